/** no_blocking_issues / reviews_complete: the task's own review and those of its spawned review tasks. */
import type { Blocker, GateContext } from './types.js';

/** Every review to look at, with the blocker path prefix naming where it came from. */
function reviews(ctx: GateContext): { where: string; review: unknown }[] {
  const out: { where: string; review: unknown }[] = [];
  if (Object.hasOwn(ctx.artifacts, 'review')) out.push({ where: 'review', review: ctx.artifacts.review });
  for (const spawned of ctx.spawnedReviews) out.push({ where: `reviews/${spawned.id}/review`, review: spawned.review });
  return out;
}

function issuesOf(review: unknown): unknown[] {
  if (typeof review !== 'object' || review === null) return [];
  const issues = (review as { issues?: unknown }).issues;
  return Array.isArray(issues) ? issues : [];
}

export function noBlockingIssues(ctx: GateContext): Blocker[] {
  const blockers: Blocker[] = [];
  for (const { where, review } of reviews(ctx)) {
    issuesOf(review).forEach((issue, i) => {
      if (typeof issue !== 'object' || issue === null) return;
      const { severity, message, file } = issue as { severity?: unknown; message?: unknown; file?: unknown };
      if (severity !== 'blocking') return;
      const text = typeof message === 'string' ? `: ${message}` : '';
      const at = typeof file === 'string' ? ` (${file})` : '';
      blockers.push({ code: 'no_blocking_issues', message: `blocking review issue${at}${text}`, path: `${where}/issues/${i}` });
    });
  }
  return blockers;
}

/**
 * Every spawned review task is completed, each by an agent other than the task's authors.
 * Attack stopped: the author claiming its own review task under another agent id (the
 * coordinator also refuses that claim; this holds even for a review finished before).
 */
export function reviewsComplete(ctx: GateContext): Blocker[] {
  const blockers: Blocker[] = [];
  for (const r of ctx.spawnedReviews) {
    const path = `reviews/${r.id}`;
    if (r.status !== 'completed') blockers.push({ code: 'reviews_complete', message: `review task ${r.id} is ${r.status}, not completed`, path });
    else if (r.completed_by === null || ctx.authors.has(r.completed_by)) {
      blockers.push({ code: 'reviews_complete', message: `review task ${r.id} was completed by ${r.completed_by ?? 'nobody'}, an author of this task; an independent reviewer is required`, path });
    }
  }
  return blockers;
}
