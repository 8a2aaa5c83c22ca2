/** A GateContext builder for check tests. */
import type { Evidence, GateContext, TestRunEvidence } from '../../core/gates/index.js';

export const run = (over: Partial<TestRunEvidence> = {}): TestRunEvidence => ({
  phase: 'TDD',
  epoch: 2,
  exit_code: 1,
  passed: 3,
  failed: 1,
  at: '2030-01-01T00:00:00Z',
  ...over,
});

export function ctx(over: Partial<Omit<GateContext, 'evidence'>> & { evidence?: Partial<Evidence> } = {}): GateContext {
  const { evidence, ...rest } = over;
  return {
    phase: 'TDD',
    epoch: 2,
    artifacts: {},
    testLock: undefined,
    spawnedReviews: [],
    ...rest,
    evidence: { test_runs: [], test_hashes: {}, ...evidence },
  };
}
