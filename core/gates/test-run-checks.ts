/** tests_failing / tests_passing: judged on the sidecar's own run_tests evidence, never the agent's report. */
import type { Blocker, GateContext, TestRunEvidence } from './types.js';

/** The last run recorded in the phase being left and the current claim epoch (runs from an earlier claim do not count). */
function latestRun(ctx: GateContext): TestRunEvidence | undefined {
  for (let i = ctx.evidence.test_runs.length - 1; i >= 0; i--) {
    const run = ctx.evidence.test_runs[i];
    if (run !== undefined && run.phase === ctx.phase && run.epoch === ctx.epoch) return run;
  }
  return undefined;
}

function noRun(code: string, ctx: GateContext): Blocker {
  return { code, message: `no run_tests recorded in phase ${ctx.phase} (epoch ${ctx.epoch})` };
}

/** Red before green: the latest run must have failed because tests failed, not because the build broke. */
export function testsFailing(ctx: GateContext): Blocker[] {
  const run = latestRun(ctx);
  const code = 'tests_failing';
  if (run === undefined) return [noRun(code, ctx)];
  if (run.exit_code === 0) return [{ code, message: `latest run_tests passed (${run.passed} passed); a failing test is required` }];
  if (!(run.failed >= 1)) {
    return [{ code, message: `latest run_tests exited ${run.exit_code} with 0 failing tests (e.g. a compile error); a failing test is required, not a broken build` }];
  }
  return [];
}

export function testsPassing(ctx: GateContext): Blocker[] {
  const run = latestRun(ctx);
  const code = 'tests_passing';
  if (run === undefined) return [noRun(code, ctx)];
  if (run.exit_code !== 0) return [{ code, message: `latest run_tests exited ${run.exit_code} (${run.failed} failed); passing tests are required` }];
  return [];
}
