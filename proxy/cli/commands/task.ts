/** `phasegate task add|list|show`: manage tasks on a running coordinator (admin key). */
import type { TaskRecord } from '../../../core/coordinator/types.js';
import { ADMIN_FLAGS, ADMIN_USAGE_TAIL, adminClientFor, runAdmin } from '../admin-client.js';
import { parseFlags, UsageError } from '../args.js';
import { showEvidence } from '../evidence-show.js';

const USAGE = `usage: phasegate task add TITLE [--description T] [--criteria C]… [--depends-on ID]… [--workflow NAME] [--priority N]
       phasegate task list
       phasegate task show ID [--evidence]
  --evidence         the chain red run → test lock → green run → review verdicts → approval,
                     each with its event and audit seq; exit 1 if it is incomplete
${ADMIN_USAGE_TAIL}`;

const FLAGS = {
  ...ADMIN_FLAGS,
  description: { type: 'string' },
  criteria: { type: 'string', multiple: true },
  'depends-on': { type: 'string', multiple: true },
  workflow: { type: 'string' },
  priority: { type: 'string' },
  evidence: { type: 'boolean' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, USAGE);
  const [sub, ...rest] = positionals;
  const client = () => adminClientFor(values.coordinator);
  const json = values.json === true;
  switch (sub) {
    case 'add': {
      if (rest.length !== 1) throw new UsageError('task add needs exactly one TITLE (quote it)');
      const priority = values.priority === undefined ? undefined : Number(values.priority);
      if (priority !== undefined && !Number.isInteger(priority)) throw new UsageError(`--priority must be an integer, got ${values.priority}`);
      return runAdmin('task', async () => {
        const task = await client().createTask({
          title: rest[0] as string,
          ...(values.description === undefined ? {} : { description: values.description }),
          ...(values.criteria === undefined ? {} : { acceptance_criteria: values.criteria }),
          ...(values['depends-on'] === undefined ? {} : { depends_on: values['depends-on'] }),
          ...(values.workflow === undefined ? {} : { workflow: values.workflow }),
          ...(priority === undefined ? {} : { priority }),
        });
        if (json) process.stdout.write(JSON.stringify({ task }, null, 2) + '\n');
        else process.stdout.write(task.id + '\n');
      });
    }
    case 'list':
      if (rest.length !== 0) throw new UsageError('task list takes no arguments');
      return runAdmin('task', async () => {
        const tasks = await client().listTasks();
        if (json) process.stdout.write(JSON.stringify({ tasks }, null, 2) + '\n');
        else process.stdout.write(table(tasks));
      });
    case 'show':
      if (rest.length !== 1) throw new UsageError('task show needs exactly one ID');
      if (values.evidence === true) return showEvidence(client(), rest[0] as string, json);
      return runAdmin('task', async () => {
        const task = await client().getTask(rest[0] as string);
        if (json) process.stdout.write(JSON.stringify({ task }, null, 2) + '\n');
        else process.stdout.write(describe(task));
      });
    default:
      throw new UsageError(sub === undefined ? 'missing subcommand: add, list or show' : `unknown subcommand "${sub}" (add, list, show)`);
  }
}

function table(tasks: readonly TaskRecord[]): string {
  const rows = [['ID', 'STATUS', 'PHASE', 'PRIO', 'AGENT', 'TITLE']];
  for (const t of tasks) rows.push([t.id, t.status, t.phase, String(t.priority), t.claim?.agent_id ?? '-', t.title]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

function describe(t: TaskRecord): string {
  const lines = [
    `${t.id}  ${t.title}`,
    `  status:     ${t.status}`,
    `  phase:      ${t.phase} (workflow ${t.workflow}, epoch ${t.epoch})`,
    `  priority:   ${t.priority}`,
    `  claim:      ${t.claim === null ? '-' : `${t.claim.agent_id} until ${t.claim.lease_expires_at}`}`,
  ];
  if (t.description !== '') lines.push(`  description: ${t.description}`);
  if (t.depends_on.length > 0) lines.push(`  depends on: ${t.depends_on.join(', ')}`);
  if (t.parent_id !== null) lines.push(`  parent:     ${t.parent_id}`);
  if (t.spawned.length > 0) lines.push(`  spawned:    ${t.spawned.join(', ')}`);
  if (t.pending_approval_id !== null) lines.push(`  awaiting approval: ${t.pending_approval_id}`);
  for (const c of t.acceptance_criteria) lines.push(`  criterion:  ${c}`);
  for (const b of t.blockers) lines.push(`  blocker:    ${b.code}: ${b.message}`);
  lines.push('  history:');
  for (const h of t.history) {
    const extra = [h.agent_id ?? 'admin', h.approval_id === undefined ? '' : `approval ${h.approval_id}`].filter(Boolean).join(', ');
    lines.push(`    ${h.at}  ${h.from ?? '(new)'} → ${h.to}  (${extra})`);
  }
  return lines.join('\n') + '\n';
}
