/**
 * The workspace paths this sidecar changed for its current task (writes, edits, deletes, and
 * the changes a command applied). Sent with every transition as `evidence.files_changed`, so
 * an approver sees what changed as the sidecar recorded it, not as the agent describes it.
 */
import type { SidecarContext } from './context.js';

/** Bounded like every other piece of evidence: the first paths are kept, later ones dropped. */
export const MAX_CHANGED_FILES = 1000;

const byContext = new WeakMap<SidecarContext, { taskId: string; paths: Set<string> }>();

function current(ctx: SidecarContext): Set<string> | undefined {
  const taskId = ctx.session.assignment?.taskId;
  if (taskId === undefined) return undefined;
  let entry = byContext.get(ctx);
  // Another task's changes are not this task's: start over when the task changes.
  if (entry === undefined || entry.taskId !== taskId) byContext.set(ctx, (entry = { taskId, paths: new Set() }));
  return entry.paths;
}

export function noteChangedFile(ctx: SidecarContext, path: string): void {
  const paths = current(ctx);
  if (paths !== undefined && paths.size < MAX_CHANGED_FILES) paths.add(path);
}

export function changedFiles(ctx: SidecarContext): string[] {
  return [...(current(ctx) ?? [])].sort();
}
