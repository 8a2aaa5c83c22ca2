/** Does a token (or an agent) still speak for the live claim on a task? Shared by transition, refresh, snapshot, heartbeat, release. */
import { PhasegateError } from '../errors.js';
import type { PhaseClaims } from '../tokens/types.js';
import type { StoredTask } from './types.js';

/** A lease runs only while the task is `claimed`; paused or awaiting-approval tasks wait on a human. */
export function leaseExpired(task: StoredTask, nowMs: number): boolean {
  return task.status === 'claimed' && task.claim !== null && nowMs >= Date.parse(task.claim.lease_expires_at);
}

export function taskOrNotFound(task: StoredTask | undefined, id: string): StoredTask {
  if (task === undefined) throw new PhasegateError('not_found', `no task ${id}`);
  return task;
}

/**
 * The token's epoch is the task's and its subject holds the claim. Stops replay of a token
 * from an earlier claim (after a release, an expiry, or another agent's claim): every claim
 * bumps the epoch, so old tokens die even though their signature and `exp` are still good.
 */
export function assertTokenHolds(task: StoredTask | undefined, claims: PhaseClaims, nowMs: number): StoredTask {
  const t = taskOrNotFound(task, claims.task_id);
  if (t.claim === null || t.claim.agent_id !== claims.sub || t.epoch !== claims.epoch) {
    throw new PhasegateError('token_superseded', `token for epoch ${claims.epoch} no longer holds task ${t.id}`);
  }
  if (leaseExpired(t, nowMs)) throw new PhasegateError('lease_lost', `lease on ${t.id} expired at ${t.claim.lease_expires_at}`);
  return t;
}

/** The agent holds the claim (heartbeat, release). An expired lease still lets its holder give the task back. */
export function assertAgentHolds(task: StoredTask, agentId: string, nowMs: number, allowExpired = false): NonNullable<StoredTask['claim']> {
  if (task.claim === null) throw new PhasegateError('task_not_claimed', `task ${task.id} is not claimed`);
  if (task.claim.agent_id !== agentId) throw new PhasegateError('lease_lost', `task ${task.id} is not claimed by ${agentId}`);
  if (!allowExpired && leaseExpired(task, nowMs)) throw new PhasegateError('lease_lost', `lease on ${task.id} expired at ${task.claim.lease_expires_at}`);
  return task.claim;
}

export function leaseUntil(nowMs: number, leaseMs: number): string {
  return new Date(nowMs + leaseMs).toISOString();
}
