/**
 * jest, and vitest's JSON reporter (same shape). Machine-readable: `--json` prints
 * `{"numFailedTests":…,"numPassedTests":…,"numRuntimeErrorTestSuites":…}` — suites that failed
 * to run are counted there, not as failed tests. Human: `Tests:       1 failed, 1 passed, 2 total`
 * (a suite that failed to run prints `Tests:       0 total`).
 */
import type { RunnerParser } from './types.js';
import { count, isRecord, lastJsonObject, lastMatch, num } from './text.js';

export const jestJson: RunnerParser = (text) => {
  const found = lastJsonObject(text, (v) => {
    if (!isRecord(v)) return undefined;
    const passed = count(v.numPassedTests);
    const failed = count(v.numFailedTests);
    return passed === undefined || failed === undefined ? undefined : { passed, failed };
  });
  return found === undefined ? undefined : { runner: 'jest-json', at: found.at, ...found.value };
};

export const jest: RunnerParser = (text) => {
  const m = lastMatch(text, /^Tests:[ \t]+(.*\d+ total)[ \t]*$/gm);
  if (m?.[1] === undefined) return undefined;
  return { runner: 'jest', at: m.index, passed: num(m[1], /(\d+) passed/), failed: num(m[1], /(\d+) failed/) };
};
