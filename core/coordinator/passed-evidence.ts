/**
 * The record of what passed a gate: built from the values the gate judged, hashed, kept with
 * the history entry, published in the transition event and signed into the next phase token.
 */
import { canonicalSha256 } from '../contract/index.js';
import type { CompiledTransition } from '../contract/types.js';
import { latestRun } from '../gates/index.js';
import type { GateContext, SpawnedReview } from '../gates/types.js';
import type { Store } from './store.js';
import { lastEntry } from './task-history.js';
import type { PassedEvidence, ReviewVerdict } from './types.js';

function verdictOf(store: Store, r: SpawnedReview): ReviewVerdict {
  const child = store.tasks.get(r.id);
  const review = (typeof r.review === 'object' && r.review !== null ? r.review : {}) as { verdict?: unknown; issues?: unknown };
  const issues = Array.isArray(review.issues) ? review.issues : [];
  const last = child?.status === 'completed' ? lastEntry(store, child) : undefined;
  return {
    agent_id: r.completed_by,
    blocking: issues.filter((i) => typeof i === 'object' && i !== null && (i as { severity?: unknown }).severity === 'blocking').length,
    event_seq: last?.event_seq ?? null,
    review: child?.artifacts.review ?? null,
    task_id: r.id,
    verdict: typeof review.verdict === 'string' ? review.verdict : null,
  };
}

/** What the gate of `tr` judged in `ctx`, for the agent `agentId`. */
export function passedEvidence(store: Store, tr: CompiledTransition, ctx: GateContext, agentId: string): PassedEvidence {
  const checks = new Set(tr.checks);
  const run = checks.has('tests_failing') || checks.has('tests_passing') ? latestRun(ctx) : undefined;
  // The lock the task holds from here on (lock_tests), or the one the gate held the files to.
  const lock = tr.lockTests ? ctx.evidence.test_hashes : checks.has('tests_unchanged') ? ctx.testLock : undefined;
  const action = tr.lockTests ? 'locked' : 'held';
  const reviewed = checks.has('reviews_complete') || checks.has('no_blocking_issues');
  // Keys in canonical (sorted) order, here and in the verdicts: hashing the record (evidenceDigest) then need not sort them.
  return {
    agent_id: agentId,
    ...(ctx.evidence.audit_head === undefined ? {} : { audit_head: ctx.evidence.audit_head }),
    checks: [...tr.checks],
    from: tr.from,
    gate: tr.gate ?? null,
    ...(reviewed ? { reviews: ctx.spawnedReviews.map((r) => verdictOf(store, r)) } : {}),
    ...(lock === undefined ? {} : { test_lock: { action, files: Object.keys(lock).length, sha256: canonicalSha256(lock) } }),
    ...(run === undefined ? {} : { test_run: run }),
    to: tr.to,
  };
}

export function evidenceDigest(evidence: PassedEvidence): string {
  return canonicalSha256(evidence);
}
