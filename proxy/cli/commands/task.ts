/** `phasegate task add|list|show|release|cancel`: manage tasks on a running coordinator (admin key). */
import type { TaskRecord } from '../../../core/coordinator/types.js';
import { ADMIN_FLAGS, ADMIN_USAGE_TAIL, adminClientFor, runAdmin } from '../admin-client.js';
import { table as formatTable } from '../approval-view.js';
import { parseFlags, UsageError } from '../args.js';
import { showEvidence } from '../evidence-show.js';
import { jsonText, terminalText } from '../terminal-text.js';

const USAGE = `usage: phasegate task add TITLE [--description T] [--criteria C]… [--depends-on ID]… [--workflow NAME] [--priority N]
       phasegate task list
       phasegate task show ID [--evidence]     --evidence: the chain red run → test lock → green run →
                                               review verdicts → approval, each with its event and
                                               audit seq; exit 1 if it is incomplete
       phasegate task release ID             give a claimed task back (its holder's tokens die)
       phasegate task cancel ID --reason T   end a task for good (status failed)
${ADMIN_USAGE_TAIL}`;

const FLAGS = {
  ...ADMIN_FLAGS,
  description: { type: 'string' },
  criteria: { type: 'string', multiple: true },
  'depends-on': { type: 'string', multiple: true },
  workflow: { type: 'string' },
  priority: { type: 'string' },
  evidence: { type: 'boolean' },
  reason: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, USAGE);
  const [sub, ...rest] = positionals;
  const client = (readOnly = false) => adminClientFor(values.coordinator, { readOnly });
  const json = values.json === true;
  const print = (key: 'task' | 'tasks', value: unknown, text: () => string) => process.stdout.write(json ? jsonText({ [key]: value }) + '\n' : text());
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
        print('task', task, () => task.id + '\n');
      });
    }
    case 'list':
      if (rest.length !== 0) throw new UsageError('task list takes no arguments');
      return runAdmin('task', async () => {
        const tasks = await client(true).listTasks();
        print('tasks', tasks, () => table(tasks));
      });
    case 'show':
      if (rest.length !== 1) throw new UsageError('task show needs exactly one ID');
      if (values.evidence === true) return showEvidence(client(true), rest[0] as string, json);
      return runAdmin('task', async () => {
        const task = await client(true).getTask(rest[0] as string);
        print('task', task, () => describe(task));
      });
    case 'release':
      if (rest.length !== 1) throw new UsageError('task release needs exactly one ID');
      return runAdmin('task', async () => {
        const task = await client().release(rest[0] as string);
        print('task', task, () => `released ${terminalText(task.id)}: ${task.status} in ${terminalText(task.phase)} (epoch ${task.epoch})\n`);
      });
    case 'cancel': {
      if (rest.length !== 1) throw new UsageError('task cancel needs exactly one ID');
      const reason = values.reason;
      if (reason === undefined || reason.trim() === '') throw new UsageError('task cancel needs --reason T');
      return runAdmin('task', async () => {
        const task = await client().cancel(rest[0] as string, reason);
        print('task', task, () => `cancelled ${terminalText(task.id)}: status failed in ${terminalText(task.phase)}\n`);
      });
    }
    default:
      throw new UsageError(sub === undefined ? 'missing subcommand: add, list, show, release or cancel' : `unknown subcommand "${sub}" (add, list, show, release, cancel)`);
  }
}

/** One row per task: where it is, who holds it until when, what it waits on. */
function table(tasks: readonly TaskRecord[]): string {
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  const rows = [['ID', 'STATUS', 'PHASE', 'PRIO', 'HELD BY', 'UNTIL', 'DEPENDS ON', 'TITLE']];
  for (const t of tasks) {
    // A dependency not completed yet is what keeps the task from being claimed: mark it.
    const deps = t.depends_on.map((d) => (status.get(d) === 'completed' ? d : `${d}(${status.get(d) ?? 'missing'})`)).join(',');
    rows.push([t.id, t.status, t.phase, String(t.priority), t.claim?.agent_id ?? '-', t.claim?.lease_expires_at ?? '-', deps === '' ? '-' : deps, t.title].map(terminalText));
  }
  return formatTable(rows);
}

function describe(t: TaskRecord): string {
  const e = terminalText;
  const lines = [
    `${e(t.id)}  ${e(t.title)}`,
    `  status:     ${t.status}`,
    `  phase:      ${e(t.phase)} (workflow ${e(t.workflow)}, epoch ${t.epoch})`,
    `  priority:   ${t.priority}`,
    `  claim:      ${t.claim === null ? '-' : `${e(t.claim.agent_id)} until ${e(t.claim.lease_expires_at)}`}`,
  ];
  if (t.description !== '') lines.push(`  description: ${e(t.description)}`);
  if (t.depends_on.length > 0) lines.push(`  depends on: ${t.depends_on.map(e).join(', ')}`);
  if (t.parent_id !== null) lines.push(`  parent:     ${e(t.parent_id)}`);
  if (t.spawned.length > 0) lines.push(`  spawned:    ${t.spawned.map(e).join(', ')}`);
  if (t.pending_approval_id !== null) lines.push(`  awaiting approval: ${e(t.pending_approval_id)} (phasegate approvals show ${e(t.pending_approval_id)})`);
  for (const c of t.acceptance_criteria) lines.push(`  criterion:  ${e(c)}`);
  for (const b of t.blockers) lines.push(`  blocker:    ${e(b.code)}: ${e(b.message)}`);
  lines.push('  history:');
  for (const h of t.history) {
    const extra = [h.agent_id ?? 'admin', h.approval_id === undefined ? '' : `approval ${h.approval_id}`].filter(Boolean).map(e).join(', ');
    lines.push(`    ${e(h.at)}  ${e(h.from ?? '(new)')} → ${e(h.to)}  (${extra})`);
  }
  return lines.join('\n') + '\n';
}
