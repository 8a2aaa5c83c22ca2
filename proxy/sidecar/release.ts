/** Giving the held task back when the agent is done with it (its process exited), unless it finished. */
import { appendQuietly, sessionEntry } from './audit-entries.js';
import type { SidecarContext } from './context.js';

export type ReleaseOutcome = 'released' | 'nothing_held' | 'finished' | 'awaiting_approval';

/**
 * Without this the task stays locked until its lease runs out (60 s by default) after an agent
 * exits or fails to start. A task in a terminal phase has no claim to give back, and one
 * waiting for a human keeps its place (the coordinator refuses to release it). The session
 * ends either way: the agent's tokens are no good after this.
 */
export async function releaseHeldTask(ctx: SidecarContext): Promise<ReleaseOutcome> {
  const s = ctx.session;
  const a = s.assignment;
  if (s.state === 'done') return 'finished';
  if (a === undefined || (s.state !== 'active' && s.state !== 'paused')) return 'nothing_held';
  if (s.task?.status === 'awaiting_approval') return 'awaiting_approval';
  // Ended here first: the coordinator's task_released event must not read as a lost lease.
  s.lose();
  await ctx.coordinator.release(a.taskId, ctx.agentId);
  await appendQuietly(ctx, sessionEntry(ctx, 'task_released', { epoch: a.epoch }));
  ctx.logger.info({ event: 'task_released', task_id: a.taskId, phase: a.phase }, 'task_released');
  return 'released';
}
