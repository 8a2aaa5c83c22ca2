/** A GateContext builder for check tests. */
import type { Evidence, GateContext, SpawnedReview, TestRunEvidence } from '../../core/gates/index.js';

export const run = (over: Partial<TestRunEvidence> = {}): TestRunEvidence => ({
  id: 'c-1',
  audit_seq: 7,
  phase: 'TDD',
  epoch: 2,
  visit: 3,
  exit_code: 1,
  passed: 3,
  failed: 1,
  revision: 5,
  at: '2030-01-01T00:00:00Z',
  ...over,
});

export const review = (over: Partial<SpawnedReview> = {}): SpawnedReview => ({ id: 'r1', status: 'completed', review: {}, completed_by: 'reviewer', ...over });

export function ctx(over: Partial<Omit<GateContext, 'evidence'>> & { evidence?: Partial<Evidence> } = {}): GateContext {
  const { evidence, ...rest } = over;
  return {
    phase: 'TDD',
    epoch: 2,
    visit: 3,
    artifacts: {},
    testLock: undefined,
    spawnedReviews: [],
    authors: new Set(['author']),
    ...rest,
    evidence: { test_runs: [], test_hashes: {}, test_links: [], workspace_revision: 5, ...evidence },
  };
}
