/**
 * tests_failing / tests_passing: judged on the sidecar's own run_tests evidence, never the
 * agent's report, and only on runs of the current visit of the phase being left.
 */
import type { Blocker, GateContext, TestRunEvidence } from './types.js';

/**
 * The last run of this visit of the phase being left, under the current claim epoch.
 * Attack stopped: after REVIEW → IMPL, a green run from the earlier IMPL visit satisfied
 * IMPL → REVIEW although the source had been broken again since.
 */
export function latestRun(ctx: GateContext): TestRunEvidence | undefined {
  for (let i = ctx.evidence.test_runs.length - 1; i >= 0; i--) {
    const run = ctx.evidence.test_runs[i];
    if (run !== undefined && run.phase === ctx.phase && run.epoch === ctx.epoch && run.visit === ctx.visit) return run;
  }
  return undefined;
}

function noRun(code: string, ctx: GateContext): Blocker {
  return { code, message: `no run_tests recorded in this visit of ${ctx.phase} (runs of an earlier visit or claim do not count): call run_tests` };
}

/** A runner that reached no test (load or compile error, nothing collected) proves nothing, red or green. */
function notRun(run: TestRunEvidence): Blocker {
  return {
    code: 'tests_not_run',
    message: `run_tests (${run.id}) exited ${run.exit_code} without running a single test (0 passed, 0 failed): a load or compile error, or no test collected; fix it and run again`,
  };
}

/** Red before green: ≥ 1 failing test, not a broken build (an import error is `tests_not_run`). */
export function testsFailing(ctx: GateContext): Blocker[] {
  const run = latestRun(ctx);
  const code = 'tests_failing';
  if (run === undefined) return [noRun(code, ctx)];
  if (run.passed + run.failed === 0) return [notRun(run)];
  if (run.failed < 1) return [{ code, message: `latest run_tests (${run.id}) had ${run.passed} passing and no failing test; a failing test is required` }];
  if (run.exit_code === 0) return [{ code, message: `latest run_tests (${run.id}) exited 0 although ${run.failed} test(s) failed; the runner must report the failure` }];
  return [];
}

/**
 * Green, and green for the tree as it is now: exit 0, ≥ 1 passed, 0 failed, and no file of
 * the workspace changed since the run. Attacks stopped: a config that selects no test
 * (`passWithNoTests`), and break-after-green (any write, edit, delete or applied command
 * change after the run voids it — `tests_stale`).
 */
export function testsPassing(ctx: GateContext): Blocker[] {
  const run = latestRun(ctx);
  const code = 'tests_passing';
  if (run === undefined) return [noRun(code, ctx)];
  if (run.passed + run.failed === 0) return [notRun(run)];
  if (run.exit_code !== 0 || run.failed > 0) {
    return [{ code, message: `latest run_tests (${run.id}) exited ${run.exit_code} with ${run.failed} failing test(s); passing tests are required` }];
  }
  if (run.revision !== ctx.evidence.workspace_revision) {
    const changes = ctx.evidence.workspace_revision - run.revision;
    return [{
      code: 'tests_stale',
      message: `the workspace changed after the green run_tests (${run.id}): ${changes > 0 ? `${changes} change(s)` : 'changes'} applied since (file writes, edits, deletes or command changes); run_tests again on the current files`,
    }];
  }
  return [];
}
