/** Lease upkeep: heartbeats while a task is held, and what losing the lease means for the agent. */
import { PhasegateError } from '../../core/errors.js';
import { appendQuietly, sessionEntry } from './audit-entries.js';
import type { SidecarContext } from './context.js';

/** Coordinator answers that mean the claim this sidecar held is gone. */
export function isLeaseLoss(err: unknown): boolean {
  return err instanceof PhasegateError && (err.code === 'lease_lost' || err.code === 'task_not_claimed');
}

/**
 * The session is over: every later call gets `lease_lost`, and the agent hears `lease.lost`.
 * Idempotent. Tokens of the lost claim stay refused even if the coordinator is unreachable.
 */
export function loseLease(ctx: SidecarContext, why: string): void {
  const s = ctx.session;
  if (s.state !== 'active' && s.state !== 'paused') return;
  s.lose();
  ctx.logger.warn({ event: 'lease_lost', task_id: s.assignment?.taskId, why }, 'lease_lost');
  void appendQuietly(ctx, sessionEntry(ctx, 'lease_lost', { why }));
  ctx.notify({ method: 'lease.lost', params: {} });
}

/** Heartbeats every `intervalMs` while a task is held; the timer is unref'd so it never keeps the process alive. */
export function startHeartbeats(ctx: SidecarContext, intervalMs: number): () => void {
  let busy = false;
  const beat = async (): Promise<void> => {
    const s = ctx.session;
    const a = s.assignment;
    if (busy || a === undefined || (s.state !== 'active' && s.state !== 'paused')) return;
    busy = true;
    try {
      const r = await ctx.coordinator.heartbeat(a.taskId, ctx.agentId);
      if (s.assignment === a) s.leaseExpiresAt = r.lease_expires_at;
    } catch (err) {
      // Only a loss of *this* claim ends the session; an outage does not (calls keep being decided locally).
      if (isLeaseLoss(err) && s.assignment?.epoch === a.epoch) loseLease(ctx, 'heartbeat refused');
      else ctx.logger.warn({ event: 'heartbeat_failed', reason: (err as PhasegateError).code }, 'heartbeat_failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
