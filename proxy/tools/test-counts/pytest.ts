/**
 * pytest (no JSON reporter without a plugin; `--junitxml` writes a file). The closing line:
 * `=== 1 failed, 1 passed in 0.12s ===`, or with `-q` just `1 failed, 1 passed in 0.12s`.
 * `errors` (collection errors such as an ImportError, fixture errors) are not failed tests:
 * a run with only errors reached no test.
 */
import type { RunnerParser } from './types.js';
import { lastMatch, num } from './text.js';

export const pytest: RunnerParser = (text) => {
  const m = lastMatch(text, /^(?:=+ )?((?:\d+ (?:passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?)(?:, )?)+) in [\d.]+s(?: \([^)]*\))?(?: =+)?[ \t]*$/gm);
  if (m?.[1] === undefined) return undefined;
  return { runner: 'pytest', at: m.index, passed: num(m[1], /(\d+) passed/), failed: num(m[1], /(\d+) failed/) };
};
