/**
 * mocha. Machine-readable: `--reporter json` prints `{"stats": {"passes", "failures", …}, …}`.
 * Human (spec): `  1 passing (3ms)` / `  1 failing`. A spec file that fails to import aborts
 * the run before any summary: nothing is found, so the run reached no test.
 */
import type { RunnerParser } from './types.js';
import { count, isRecord, lastJsonObject, lastMatch } from './text.js';

export const mochaJson: RunnerParser = (text) => {
  const found = lastJsonObject(text, (v) => {
    if (!isRecord(v) || !isRecord(v.stats)) return undefined;
    const passed = count(v.stats.passes);
    const failed = count(v.stats.failures);
    return passed === undefined || failed === undefined ? undefined : { passed, failed };
  });
  return found === undefined ? undefined : { runner: 'mocha-json', at: found.at, ...found.value };
};

export const mocha: RunnerParser = (text) => {
  const pass = lastMatch(text, /^[ \t]*(\d+) passing \(\d+m?s\)/gm);
  if (pass === undefined) return undefined;
  const fail = /^[ \t]*(\d+) failing[ \t]*$/m.exec(text.slice(pass.index));
  return { runner: 'mocha', at: pass.index, passed: Number(pass[1]), failed: fail === null ? 0 : Number(fail[1]) };
};
