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

export function reviewsComplete(ctx: GateContext): Blocker[] {
  return ctx.spawnedReviews
    .filter((r) => r.status !== 'completed')
    .map((r) => ({ code: 'reviews_complete', message: `review task ${r.id} is ${r.status}, not completed`, path: `reviews/${r.id}` }));
}
