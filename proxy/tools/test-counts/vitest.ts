/**
 * vitest. Machine-readable: `--reporter=json` (jest-compatible `numPassedTests`…, read by
 * jest.ts). Human: `      Tests  1 failed | 1 passed (2)`; a file that failed to load
 * prints `Tests  no tests` (its "Failed Suites" are not failed tests).
 */
import type { RunnerParser } from './types.js';
import { lastMatch, num } from './text.js';

export const vitest: RunnerParser = (text) => {
  const m = lastMatch(text, /^[ \t]*Tests[ \t]+((?:.*\d+ (?:passed|failed).*)|no tests)[ \t]*$/gm);
  if (m?.[1] === undefined) return undefined;
  return { runner: 'vitest', at: m.index, passed: num(m[1], /(\d+) passed/), failed: num(m[1], /(\d+) failed/) };
};
