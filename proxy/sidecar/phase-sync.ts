/** Taking a token the coordinator issued for our task's current phase (approval landed, token.refresh). */
import { verifyCached } from '../../core/tokens/index.js';
import { appendQuietly, transitionEntry } from './audit-entries.js';
import type { SidecarContext } from './context.js';

/**
 * Adopts `token` if it is for this session's claim (same task and epoch). When the phase
 * changed, the move is audited and the agent hears `phase.changed {phase, token}`.
 * Returns true if the session took the token.
 */
export async function adoptFreshToken(ctx: SidecarContext, token: string, approvalId?: string): Promise<boolean> {
  const claims = await verifyCached(ctx.cache, ctx.verifier, token, Math.floor(ctx.now() / 1000));
  const s = ctx.session;
  const a = s.assignment;
  if (a === undefined || claims.task_id !== a.taskId || claims.sub !== ctx.agentId || claims.epoch !== a.epoch) return false;
  if (s.state !== 'active' && s.state !== 'paused') return false;
  const from = a.phase;
  s.advance(claims, token, new Date(ctx.now()).toISOString(), approvalId);
  if (claims.phase !== from) {
    await appendQuietly(ctx, approvalId === undefined ? transitionEntry(ctx, from, claims.phase, 'applied') : transitionEntry(ctx, from, claims.phase, 'approved', { approval_id: approvalId }));
    ctx.logger.info({ event: 'phase_changed', task_id: a.taskId, from, to: claims.phase }, 'phase_changed');
    ctx.notify({ method: 'phase.changed', params: { phase: claims.phase, token } });
    void ctx.checkpoint();
  }
  return true;
}

/**
 * After a phase_transition_applied event we did not cause: exchange our token for the current
 * phase's. Into a terminal phase there is no token to get (the coordinator released the claim
 * when the task completed): the agent hears `phase.changed {phase, token: null}`.
 */
export async function syncPhase(ctx: SidecarContext, to: string, approvalId?: string): Promise<void> {
  const s = ctx.session;
  const token = s.token;
  if (token === undefined) return;
  if (s.isTerminal(to)) {
    const from = s.assignment?.phase ?? to;
    s.finish(to, new Date(ctx.now()).toISOString(), approvalId);
    await appendQuietly(ctx, transitionEntry(ctx, from, to, approvalId === undefined ? 'applied' : 'approved', approvalId === undefined ? {} : { approval_id: approvalId }));
    ctx.logger.info({ event: 'phase_changed', task_id: s.assignment?.taskId, from, to }, 'phase_changed');
    ctx.notify({ method: 'phase.changed', params: { phase: to, token: null } });
    void ctx.checkpoint();
    return;
  }
  await adoptFreshToken(ctx, await ctx.coordinator.refresh(token), approvalId);
}
