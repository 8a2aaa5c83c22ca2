import { describe, expect, it } from 'vitest';
import type { CheckName } from '../../core/contract/types.js';
import { runChecks } from '../../core/gates/index.js';
import { ctx, run } from './gate-fixtures.js';

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
  it('passes when the latest run in this phase and epoch failed with ≥ 1 failing test', () => {
    expect(check([run({ exit_code: 0, failed: 0 }), run()])).toEqual([]);
  });
  it('blocks with no run, a passing latest run, or a broken build (exit ≠ 0, failed = 0)', () => {
    expect(codes(check([]))).toEqual(['tests_failing']);
    expect(codes(check([run(), run({ exit_code: 0, failed: 0 })]))).toEqual(['tests_failing']);
    const broken = check([run({ exit_code: 2, failed: 0, passed: 0 })]);
    expect(codes(broken)).toEqual(['tests_failing']);
    expect(broken[0]?.message).toMatch(/0 failing tests/);
  });
  it('ignores runs from another phase or an earlier claim epoch', () => {
    expect(codes(check([run({ phase: 'PLAN' })]))).toEqual(['tests_failing']);
    expect(codes(check([run({ epoch: 1 })]))).toEqual(['tests_failing']);
    expect(check([run(), run({ phase: 'PLAN', exit_code: 0, failed: 0 })])).toEqual([]);
  });
});

describe('tests_passing', () => {
  const check = (test_runs: ReturnType<typeof run>[]) => runChecks(['tests_passing'], ctx({ phase: 'IMPL', evidence: { test_runs } }));
  it('passes when the latest run in this phase exited 0', () => {
    expect(check([run({ phase: 'IMPL' }), run({ phase: 'IMPL', exit_code: 0, failed: 0 })])).toEqual([]);
  });
  it('blocks with no run, a failing latest run, or only runs from other phases/epochs', () => {
    expect(codes(check([]))).toEqual(['tests_passing']);
    expect(codes(check([run({ phase: 'IMPL', exit_code: 0, failed: 0 }), run({ phase: 'IMPL' })]))).toEqual(['tests_passing']);
    expect(codes(check([run({ phase: 'TDD', exit_code: 0, failed: 0 }), run({ phase: 'IMPL', epoch: 1, exit_code: 0, failed: 0 })]))).toEqual(['tests_passing']);
  });
});

describe('no_blocking_issues', () => {
  const issue = (severity: string) => ({ severity, message: `a ${severity} issue` });
  it('passes with only non-blocking issues, or no reviews at all', () => {
    expect(runChecks(['no_blocking_issues'], ctx())).toEqual([]);
    const c = ctx({ artifacts: { review: { verdict: 'approve', issues: [issue('minor'), issue('nit')] } }, spawnedReviews: [{ id: 'r1', status: 'completed', review: { issues: [issue('major')] } }] });
    expect(runChecks(['no_blocking_issues'], c)).toEqual([]);
  });
  it('names every blocking issue by review and index, own review and spawned ones', () => {
    const c = ctx({
      artifacts: { review: { issues: [issue('minor'), issue('blocking')] } },
      spawnedReviews: [
        { id: 'r1', status: 'completed', review: { issues: [issue('blocking')] } },
        { id: 'r2', status: 'completed', review: undefined },
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
    expect(runChecks(['reviews_complete'], ctx({ spawnedReviews: [{ id: 'r1', status: 'completed', review: {} }] }))).toEqual([]);
  });
  it('blocks once per incomplete review task', () => {
    const c = ctx({ spawnedReviews: [{ id: 'r1', status: 'claimed', review: undefined }, { id: 'r2', status: 'completed', review: {} }, { id: 'r3', status: 'pending', review: undefined }] });
    const blockers = runChecks(['reviews_complete'], c);
    expect(blockers.map((b) => [b.code, b.path])).toEqual([['reviews_complete', 'reviews/r1'], ['reviews_complete', 'reviews/r3']]);
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
      ['tests_unchanged', 'tests/b.test.ts'],
      ['tests_unchanged', 'tests/c.test.ts'],
      ['tests_unchanged', 'tests/d.test.ts'],
    ]);
    expect(blockers.map((b) => b.message)).toEqual([expect.stringMatching(/changed/), expect.stringMatching(/removed/), expect.stringMatching(/added/)]);
  });
  it('a test file named like an Object.prototype member is still compared', () => {
    const blockers = runChecks(['tests_unchanged'], ctx({ testLock: {}, evidence: { test_hashes: { constructor: 'h' } } }));
    expect(blockers.map((b) => b.path)).toEqual(['constructor']);
  });
});

describe('runChecks', () => {
  it('returns every failing check at once, in order, and nothing for passing ones', () => {
    const c = ctx({ artifacts: { plan: { acceptance_criteria: ['ok'] } }, spawnedReviews: [{ id: 'r1', status: 'pending', review: undefined }] });
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
