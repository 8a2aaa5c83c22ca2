/** `phasegate approve ID [--note T]` and `phasegate reject ID --reason T`: decide a pending approval. */
import { ADMIN_FLAGS, ADMIN_USAGE_TAIL, adminClientFor, runAdmin } from '../admin-client.js';
import { parseFlags, UsageError } from '../args.js';
import { jsonText, terminalText as e } from '../terminal-text.js';

const APPROVE_USAGE = `usage: phasegate approve ID [--note T]
Approves a pending approval: the parked transition applies and the agent gets its new phase.
See what you approve first: phasegate approvals show ID.
${ADMIN_USAGE_TAIL}`;

const REJECT_USAGE = `usage: phasegate reject ID --reason T
Rejects a pending approval: the task stays in its phase with the reason as a blocker.
${ADMIN_USAGE_TAIL}`;

function approvalId(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('needs exactly one approval ID');
  return positionals[0] as string;
}

export async function runApprove(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...ADMIN_FLAGS, note: { type: 'string' } }, APPROVE_USAGE);
  const id = approvalId(positionals);
  return runAdmin('approve', async () => {
    const approval = await adminClientFor(values.coordinator).approve(id, values.note);
    if (values.json === true) process.stdout.write(jsonText({ approval }) + '\n');
    else process.stdout.write(`approved ${e(approval.id)}: task ${e(approval.task_id)} ${e(approval.from)} → ${e(approval.to)} (by ${e(approval.decided_by ?? 'unknown')})\n`);
  });
}

export async function runReject(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...ADMIN_FLAGS, reason: { type: 'string' } }, REJECT_USAGE);
  const id = approvalId(positionals);
  if (values.reason === undefined || values.reason === '') throw new UsageError('--reason is required');
  const reason = values.reason;
  return runAdmin('reject', async () => {
    const approval = await adminClientFor(values.coordinator).reject(id, reason);
    if (values.json === true) process.stdout.write(jsonText({ approval }) + '\n');
    else process.stdout.write(`rejected ${e(approval.id)}: task ${e(approval.task_id)} stays in ${e(approval.from)} (by ${e(approval.decided_by ?? 'unknown')}); the agent hears the reason\n`);
  });
}
