/**
 * Why a task cannot be claimed, in words an operator or agent can act on: which dependency it
 * waits on (and that one's status), which capability is missing, who holds it until when.
 */
import { leaseExpired } from './claim-check.js';
import type { Store } from './store.js';
import type { StoredTask } from './types.js';

export function whyNotClaimable(store: Store, task: StoredTask, caps: ReadonlySet<string>, nowMs: number): string {
  const reasons: string[] = [];
  if (task.status === 'claimed' && task.claim !== null && !leaseExpired(task, nowMs)) {
    reasons.push(`it is held by ${task.claim.agent_id} until ${task.claim.lease_expires_at}`);
  } else if (task.status !== 'pending' && task.status !== 'claimed') {
    reasons.push(`it is ${task.status}`);
  }
  const waiting = task.depends_on
    .map((id) => ({ id, status: store.tasks.get(id)?.status ?? 'missing' }))
    .filter((d) => d.status !== 'completed')
    .map((d) => `${d.id} (${d.status})`);
  if (waiting.length > 0) reasons.push(`it waits on ${waiting.join(', ')}`);
  const missing = task.required_capabilities.filter((c) => !caps.has(c));
  if (missing.length > 0) reasons.push(`it needs the capabilit${missing.length === 1 ? 'y' : 'ies'} ${missing.join(', ')} (phasegate run --capability)`);
  return `task ${task.id} cannot be claimed: ${reasons.length === 0 ? 'not claimable now' : reasons.join('; ')}`;
}
