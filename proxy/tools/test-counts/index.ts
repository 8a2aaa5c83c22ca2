/**
 * Passed/failed counts from a test run's output, for vitest, jest, node:test, mocha, pytest,
 * go test and cargo test (one file each), from their machine-readable output where the test
 * command asks for it (`--reporter=json`, `--json`, `-json`, TAP) and their closing lines
 * otherwise. Every parser looks for its summary; the one found NEAREST THE END wins, since
 * a runner prints its own summary after everything its tests printed — a test that prints
 * a fake summary of another runner's format cannot outvote the real one.
 *
 * When no runner is recognized the counts are 0/0: the run reached no test as far as
 * phasegate can tell, which `tests_failing` and `tests_passing` both refuse (`tests_not_run`).
 */
import { cargoTest } from './cargo-test.js';
import { goJson, goTest } from './go-test.js';
import { jest, jestJson } from './jest.js';
import { mocha, mochaJson } from './mocha.js';
import { nodeTest, tapLines } from './node-test.js';
import { plain } from './plain.js';
import { pytest } from './pytest.js';
import type { Found, RunnerParser, TestCounts } from './types.js';
import { vitest } from './vitest.js';

export type { TestCounts } from './types.js';

// Colour codes would split "3" from "failed" in vitest/jest output under FORCE_COLOR.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

const PARSERS: readonly RunnerParser[] = [jestJson, mochaJson, goJson, vitest, jest, nodeTest, mocha, pytest, goTest, cargoTest, plain, tapLines];

/** Which runner's summary was read (null: none recognized) and its counts. */
export function readTestCounts(output: string): TestCounts & { runner: string | null } {
  const text = output.replace(ANSI, '').replace(/\r/g, '');
  let best: Found | undefined;
  for (const parse of PARSERS) {
    const found = parse(text);
    if (found !== undefined && (best === undefined || found.at > best.at)) best = found;
  }
  return best === undefined ? { runner: null, passed: 0, failed: 0 } : { runner: best.runner, passed: best.passed, failed: best.failed };
}

/** Counts only (the exit code no longer invents a failing test: an unrecognized failure reached no test). */
export function parseTestCounts(output: string, _exitCode?: number): TestCounts {
  const { passed, failed } = readTestCounts(output);
  return { passed, failed };
}
