import { describe, expect, it } from 'vitest';
import type { CheckName } from '../../core/contract/types.js';
import { runChecks } from '../../core/gates/index.js';
import { ctx, review, run } from './gate-fixtures.js';

const codes = (bs: { code: string }[]) => bs.map((b) => b.code);

describe('has_acceptance_criteria', () => {
  const check = (artifacts: Record<string, unknown>) => runChecks(['has_acceptance_criteria'], ctx({ artifacts }));
  it('passes with one non-empty criterion', () => {
    expect(check({ plan: { acceptance_criteria: ['', 'returns 404 for unknown ids'] } })).toEqual([]);
  });
  it('blocks when plan is missing, criteria are absent, empty, blank, or not strings', () => {
    for (const artifacts of [{}, { plan: null }, { plan: {} }, { plan: { acceptance_criteria: [] } }, { plan: { acceptance_criteria: ['  '] } }, { plan: { acceptance_criteria: [1] } }, { plan: { acceptance_criteria: 'x' } }]) {
      expect(codes(check(artifacts)), JSON.stringify(artifacts)).toEqual(['has_acceptance_criteria']);
    }
  });
});

describe('tests_failing', () => {
  const check = (test_runs: ReturnType<typeof run>[]) => runChecks(['tests_failing'], ctx({ evidence: { test_runs } }));
  it('passes when the latest run of this visit and epoch failed with ≥ 1 failing test', () => {
    expect(check([run({ exit_code: 0, failed: 0 }), run()])).toEqual([]);
  });
  it('blocks with no run or a passing latest run', () => {
    expect(codes(check([]))).toEqual(['tests_failing']);
    expect(codes(check([run(), run({ exit_code: 0, failed: 0 })]))).toEqual(['tests_failing']);
  });
  it('a run that reached no test (load or compile error) is tests_not_run, not red', () => {
    const broken = check([run({ exit_code: 1, failed: 0, passed: 0 })]);
    expect(codes(broken)).toEqual(['tests_not_run']);
    expect(broken[0]?.message).toMatch(/without running a single test/);
  });
  it('a run with failing tests that exited 0 is not red', () => {
    expect(codes(check([run({ exit_code: 0, failed: 2 })]))).toEqual(['tests_failing']);
  });
  it('ignores runs from another phase, an earlier claim epoch, or an earlier visit of the phase', () => {
    expect(codes(check([run({ phase: 'PLAN' })]))).toEqual(['tests_failing']);
    expect(codes(check([run({ epoch: 1 })]))).toEqual(['tests_failing']);
    expect(codes(check([run({ visit: 1 })]))).toEqual(['tests_failing']);
    expect(check([run(), run({ phase: 'PLAN', exit_code: 0, failed: 0 })])).toEqual([]);
  });
});

describe('tests_passing', () => {
  const green = (over: Partial<ReturnType<typeof run>> = {}) => run({ phase: 'IMPL', exit_code: 0, failed: 0, ...over });
  const check = (test_runs: ReturnType<typeof run>[], workspace_revision = 5) =>
    runChecks(['tests_passing'], ctx({ phase: 'IMPL', evidence: { test_runs, workspace_revision } }));
  it('passes when the latest run of this visit exited 0 with ≥ 1 passed, 0 failed, at the current revision', () => {
    expect(check([run({ phase: 'IMPL' }), green()])).toEqual([]);
  });
  it('blocks with no run, a failing latest run, or only runs from other phases, epochs or visits', () => {
    expect(codes(check([]))).toEqual(['tests_passing']);
    expect(codes(check([green(), run({ phase: 'IMPL' })]))).toEqual(['tests_passing']);
    expect(codes(check([run({ phase: 'TDD', exit_code: 0, failed: 0 }), green({ epoch: 1 })]))).toEqual(['tests_passing']);
    expect(codes(check([green({ visit: 1 })]))).toEqual(['tests_passing']);
  });
  it('a green run with zero tests is tests_not_run', () => {
    expect(codes(check([green({ passed: 0 })]))).toEqual(['tests_not_run']);
  });
  it('a green run followed by any workspace change is tests_stale, saying why', () => {
    const blockers = check([green({ revision: 5 })], 7);
    expect(codes(blockers)).toEqual(['tests_stale']);
    expect(blockers[0]?.message).toMatch(/changed after the green run_tests \(c-1\): 2 change\(s\) applied since.*run_tests again/);
    // Absent evidence (-1) matches no run.
    expect(codes(check([green()], -1))).toEqual(['tests_stale']);
  });
});

describe('no_blocking_issues', () => {
  const issue = (severity: string) => ({ severity, message: `a ${severity} issue` });
  it('passes with only non-blocking issues, or no reviews at all', () => {
    expect(runChecks(['no_blocking_issues'], ctx())).toEqual([]);
    const c = ctx({ artifacts: { review: { verdict: 'approve', issues: [issue('minor'), issue('nit')] } }, spawnedReviews: [review({ review: { issues: [issue('major')] } })] });
    expect(runChecks(['no_blocking_issues'], c)).toEqual([]);
  });
  it('names every blocking issue by review and index, own review and spawned ones', () => {
    const c = ctx({
      artifacts: { review: { issues: [issue('minor'), issue('blocking')] } },
      spawnedReviews: [
        review({ review: { issues: [issue('blocking')] } }),
        review({ id: 'r2', review: undefined }),
      ],
    });
    const blockers = runChecks(['no_blocking_issues'], c);
    expect(codes(blockers)).toEqual(['no_blocking_issues', 'no_blocking_issues']);
    expect(blockers.map((b) => b.path)).toEqual(['review/issues/1', 'reviews/r1/review/issues/0']);
  });
});

describe('reviews_complete', () => {
  it('passes when none were spawned or all are completed', () => {
    expect(runChecks(['reviews_complete'], ctx())).toEqual([]);
    expect(runChecks(['reviews_complete'], ctx({ spawnedReviews: [review()] }))).toEqual([]);
  });
  it('blocks once per incomplete review task', () => {
    const c = ctx({ spawnedReviews: [review({ status: 'claimed', completed_by: null }), review({ id: 'r2' }), review({ id: 'r3', status: 'pending', completed_by: null })] });
    const blockers = runChecks(['reviews_complete'], c);
    expect(blockers.map((b) => [b.code, b.path])).toEqual([['reviews_complete', 'reviews/r1'], ['reviews_complete', 'reviews/r3']]);
  });
  it('blocks a review completed by an author of the task (self-review)', () => {
    const blockers = runChecks(['reviews_complete'], ctx({ spawnedReviews: [review({ completed_by: 'author' })] }));
    expect(blockers.map((b) => [b.code, b.path])).toEqual([['reviews_complete', 'reviews/r1']]);
    expect(blockers[0]?.message).toMatch(/independent reviewer/);
  });
});

describe('tests_unchanged', () => {
  const lock = { 'tests/a.test.ts': 'h1', 'tests/b.test.ts': 'h2', 'tests/c.test.ts': 'h3' };
  it('passes when the same files have the same hashes', () => {
    expect(runChecks(['tests_unchanged'], ctx({ testLock: lock, evidence: { test_hashes: { ...lock } } }))).toEqual([]);
  });
  it('blocks when no lock was recorded', () => {
    expect(codes(runChecks(['tests_unchanged'], ctx({ evidence: { test_hashes: lock } })))).toEqual(['tests_unchanged']);
  });
  it('reports each added, removed and changed file with its path', () => {
    const now = { 'tests/a.test.ts': 'h1', 'tests/b.test.ts': 'EDITED', 'tests/d.test.ts': 'h4' };
    const blockers = runChecks(['tests_unchanged'], ctx({ testLock: lock, evidence: { test_hashes: now } }));
    expect(blockers.map((b) => [b.code, b.path])).toEqual([
      ['tests_unchanged', undefined],
      ['tests_unchanged', 'tests/b.test.ts'],
      ['tests_unchanged', 'tests/c.test.ts'],
      ['tests_unchanged', 'tests/d.test.ts'],
    ]);
    expect(blockers.map((b) => b.message)).toEqual([
      'test lock broken: 1 added, 1 removed, 1 changed (of 3 locked files)',
      expect.stringMatching(/changed/),
      expect.stringMatching(/removed/),
      expect.stringMatching(/added/),
    ]);
  });
  it('a symlink among the test files blocks, even when every hash holds', () => {
    const blockers = runChecks(['tests_unchanged'], ctx({ testLock: lock, evidence: { test_hashes: { ...lock }, test_links: ['tests/link.test.ts'] } }));
    expect(blockers.map((b) => [b.code, b.path])).toEqual([['tests_symlink', 'tests/link.test.ts']]);
  });
  it('a test file named like an Object.prototype member is still compared', () => {
    const blockers = runChecks(['tests_unchanged'], ctx({ testLock: {}, evidence: { test_hashes: { constructor: 'h' } } }));
    expect(blockers.map((b) => b.path)).toEqual([undefined, 'constructor']);
  });
});

describe('runChecks', () => {
  it('returns every failing check at once, in order, and nothing for passing ones', () => {
    const c = ctx({ artifacts: { plan: { acceptance_criteria: ['ok'] } }, spawnedReviews: [review({ status: 'pending', completed_by: null })] });
    const all: CheckName[] = ['has_acceptance_criteria', 'tests_failing', 'tests_passing', 'no_blocking_issues', 'reviews_complete', 'tests_unchanged'];
    expect(codes(runChecks(all, c))).toEqual(['tests_failing', 'tests_passing', 'reviews_complete', 'tests_unchanged']);
  });
  it('runs a repeated check once', () => {
    expect(runChecks(['tests_failing', 'tests_failing'], ctx())).toHaveLength(1);
  });
  it('an unknown check name blocks (fails closed)', () => {
    expect(codes(runChecks(['lgtm' as CheckName], ctx()))).toEqual(['lgtm']);
  });
  it('no checks → no blockers', () => {
    expect(runChecks([], ctx())).toEqual([]);
  });
});
