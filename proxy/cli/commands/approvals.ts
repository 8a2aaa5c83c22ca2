/** `phasegate approvals [--json]` and `phasegate approvals show ID`: what waits for a human, and what it is. */
import { ADMIN_FLAGS, ADMIN_USAGE_TAIL, adminClientFor, runAdmin } from '../admin-client.js';
import { approvalView, approvalsTable } from '../approval-view.js';
import { parseFlags, UsageError } from '../args.js';
import { jsonText } from '../terminal-text.js';

const USAGE = `usage: phasegate approvals [--all] [--json]
       phasegate approvals show ID [--json]

  (no subcommand)  pending approvals: id, task, transition, who asked, when, the task's title
                   (--all: decided ones too)
  show ID          one approval with what is being approved: the task, its artifacts as text
                   (plan, completion…), each review verdict, and the files the sidecar saw change
Decide with \`phasegate approve ID\` or \`phasegate reject ID --reason T\`.
${ADMIN_USAGE_TAIL}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...ADMIN_FLAGS, all: { type: 'boolean' } }, USAGE);
  const [sub, ...rest] = positionals;
  const json = values.json === true;
  const client = () => adminClientFor(values.coordinator, { readOnly: true });
  if (sub === undefined) {
    return runAdmin('approvals', async () => {
      const c = client();
      const approvals = await c.listApprovals(values.all === true ? 'all' : 'pending');
      if (json) return void process.stdout.write(jsonText({ approvals }) + '\n');
      process.stdout.write(approvalsTable(approvals, await c.listTasks()));
    });
  }
  if (sub !== 'show') throw new UsageError(`unknown subcommand "${sub}" (show ID, or none to list)`);
  if (rest.length !== 1) throw new UsageError('approvals show needs exactly one approval ID');
  return runAdmin('approvals', async () => {
    const details = await client().showApproval(rest[0] as string);
    process.stdout.write(json ? jsonText(details) + '\n' : approvalView(details));
  });
}
