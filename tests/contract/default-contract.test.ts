import { join } from 'node:path';
import micromatch from 'micromatch';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadContract, packageRoot, type CompiledContract, type CompiledWorkflow } from '../../core/contract/index.js';
import { matchCommand } from '../../core/policy/command-pattern.js';

const WRITERS = ['write_file', 'edit_file', 'delete_file'];
let contract: CompiledContract;
let wf: CompiledWorkflow;

beforeAll(() => {
  contract = loadContract(join(packageRoot(), 'agent_workflow.yaml'));
  wf = contract.workflows.get('default') as CompiledWorkflow;
});

/** Could `tool` touch `path` in `phase`, as far as the phase's own allow/deny globs go? */
function permits(phase: string, tool: string, path: string): boolean {
  const p = wf.phases.get(phase);
  if (p === undefined || !p.allowed.has(tool)) return false;
  const c = p.constraints.get(tool);
  if (c === undefined) return true;
  if (micromatch.isMatch(path, [...c.deny], { dot: true })) return false;
  return c.paths === undefined || micromatch.isMatch(path, [...c.paths], { dot: true });
}

function commandAllowed(phase: string, argv: string[]): boolean {
  const commands = wf.phases.get(phase)?.constraints.get('run_command')?.commands ?? [];
  return commands.some((pattern) => matchCommand(pattern, argv));
}

describe('the default contract (SPEC §8)', () => {
  test('loads strict, hashes, and protects the test command and itself', () => {
    expect(contract.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(contract.enforcement).toBe('strict');
    expect(contract.protectedGlobs).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', '**/vitest.config.*', '**/vite.config.*', '**/jest.config.*', 'agent_workflow.yaml', '.phasegate/**', '.git/**']),
    );
    expect(wf.maxReviewRounds).toBe(3);
    expect(wf.tests).toEqual({ command: 'npm test', argv: ['npm', 'test'], timeoutMs: 300_000 });
    expect([...wf.phases.keys()]).toEqual(['PLAN', 'TDD', 'IMPL', 'REVIEW', 'COMPLETE']);
    expect(wf.initialPhase).toBe('PLAN');
    expect([...wf.terminalPhases]).toEqual(['COMPLETE']);
  });

  test('PLAN writes plan documents only', () => {
    expect(permits('PLAN', 'write_file', 'docs/plans/t1.md')).toBe(true);
    for (const path of ['src/index.ts', 'tests/a.test.ts', 'README.md']) {
      for (const tool of WRITERS) expect(permits('PLAN', tool, path)).toBe(false);
    }
    expect(wf.phases.get('PLAN')?.forbidden).toEqual(new Set(['delete_file', 'run_command', 'run_tests']));
  });

  test('TDD writes test files only, and its commands cannot write files', () => {
    for (const path of ['tests/a.ts', 'src/a.test.ts', 'lib/b.spec.js']) expect(permits('TDD', 'write_file', path)).toBe(true);
    for (const path of ['src/a.ts', 'package.json', 'docs/plans/x.md']) {
      for (const tool of WRITERS) expect(permits('TDD', tool, path)).toBe(false);
    }
    expect(commandAllowed('TDD', ['git', 'status'])).toBe(true);
    expect(commandAllowed('TDD', ['git', 'diff', '--output=src/a.ts'])).toBe(false);
    expect(commandAllowed('TDD', ['rm', '-rf', 'src'])).toBe(false);
  });

  test('IMPL writes source but never test files', () => {
    expect(permits('IMPL', 'write_file', 'src/a.ts')).toBe(true);
    for (const path of ['tests/a.ts', 'src/a.test.ts', 'src/deep/b.spec.tsx', 'tests/node_modules/helper.js', 'tests/.git/helper.js']) {
      for (const tool of WRITERS) expect(permits('IMPL', tool, path)).toBe(false);
    }
  });

  test('runner and compiler configs are test_config: locked with the tests, never written in IMPL (issue 10)', () => {
    const configs = ['vite.config.js', 'vitest.config.ts', 'jest.config.js', 'tsconfig.json', 'tsconfig.build.json', 'babel.config.js', '.babelrc', '.mocharc.json', 'pytest.ini', 'conftest.py', 'tests/conftest.py', 'setup.cfg', 'tox.ini', 'pyproject.toml', 'Cargo.toml', 'go.mod', 'packages/a/vite.config.mjs'];
    const isConfig = (path: string) => micromatch.isMatch(path, [...wf.testConfig], { dot: true });
    for (const path of configs) {
      expect(isConfig(path), path).toBe(true);
      for (const tool of WRITERS) expect(permits('IMPL', tool, path), `${tool} ${path}`).toBe(false);
    }
    // The JS runner configs are protected outright: not even TDD may write them.
    for (const path of ['vite.config.js', 'vitest.config.ts', 'jest.config.js', 'packages/a/vite.config.mjs']) {
      expect(micromatch.isMatch(path, [...contract.protectedGlobs], { dot: true }), path).toBe(true);
    }
    // Compiler configs and fixtures may be written with the tests.
    for (const path of ['tsconfig.json', 'conftest.py', '.mocharc.json']) expect(permits('TDD', 'write_file', path), path).toBe(true);
    expect(wf.lockGlobs).toEqual([...new Set([...wf.testGlobs, ...wf.testConfig])]);
  });

  test('REVIEW may only read and run tests; COMPLETE only read', () => {
    expect(wf.phases.get('REVIEW')?.allowed).toEqual(new Set(['read_file', 'list_files', 'search', 'run_tests']));
    expect(wf.phases.get('COMPLETE')?.allowed).toEqual(new Set(['read_file', 'list_files', 'search']));
  });

  test('transitions carry the artifacts, gates, triggers and approval of the spec', () => {
    const t = (key: string) => wf.transitionIndex.get(key);
    expect(t('PLAN->TDD')).toMatchObject({ requiresArtifacts: ['plan'], checks: ['has_acceptance_criteria'], approval: false });
    expect(t('TDD->IMPL')).toMatchObject({ requiresArtifacts: ['tests'], checks: ['tests_failing'], lockTests: true });
    expect(t('IMPL->REVIEW')).toMatchObject({
      requiresArtifacts: ['implementation'],
      checks: ['tests_passing', 'tests_unchanged'],
      spawn: [{ workflow: 'review', title: 'Review {{ task.id }}', capabilities: ['review'], count: 1 }],
    });
    expect(t('REVIEW->IMPL')).toMatchObject({ requiresArtifacts: ['review'], approval: false });
    expect(t('REVIEW->COMPLETE')).toMatchObject({
      requiresArtifacts: ['completion'],
      checks: ['no_blocking_issues', 'reviews_complete', 'tests_passing'],
      approval: true,
    });
    expect(wf.transitions).toHaveLength(5);
  });

  test('the review workflow is read-only and ends with a review artifact', () => {
    const review = contract.workflows.get('review') as CompiledWorkflow;
    for (const phase of review.phases.values()) {
      for (const tool of [...WRITERS, 'run_command']) expect(phase.allowed.has(tool)).toBe(false);
    }
    expect(review.transitionIndex.get('REVIEW->COMPLETE')?.requiresArtifacts).toEqual(['review']);
  });
});

describe('the default artifact schemas', () => {
  const valid = (name: string, value: unknown) => wf.artifacts.get(name)?.validate(value);

  test('plan: an empty criteria list passes the schema (the gate reports it); a missing summary does not', () => {
    expect(valid('plan', { summary: 's', acceptance_criteria: [], steps: [] })).toBe(true);
    expect(valid('plan', { acceptance_criteria: ['x'], steps: [] })).toBe(false);
  });

  test('review: verdict and issue severities are closed sets', () => {
    expect(valid('review', { verdict: 'approve', issues: [{ severity: 'nit', file: 'a.ts', line: 3, message: 'm' }] })).toBe(true);
    expect(valid('review', { verdict: 'lgtm', issues: [] })).toBe(false);
    expect(valid('review', { verdict: 'approve', issues: [{ severity: 'fatal', message: 'm' }] })).toBe(false);
  });

  test('tests, implementation, completion and test_result have their required fields', () => {
    expect(valid('tests', { test_files: [{ path: 'tests/a.test.ts', covers: ['criterion 1'] }] })).toBe(true);
    expect(valid('tests', { test_files: [] })).toBe(false);
    expect(valid('implementation', { changed_files: ['src/a.ts'], notes: '' })).toBe(true);
    expect(valid('completion', { changed_files: ['src/a.ts'] })).toBe(false);
    expect(valid('test_result', { exit_code: 1, passed: 2, failed: 1 })).toBe(true);
  });
});
