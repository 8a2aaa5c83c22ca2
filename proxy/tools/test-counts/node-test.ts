/**
 * node:test. Both reporters close with `# pass N` / `# fail N` (TAP, the default when output
 * is not a terminal) or `ℹ pass N` / `ℹ fail N` (spec). Node 20 runs each test FILE in a
 * subprocess and reports a file that registered no test as one "test" named by the file's
 * absolute path: passing if the file exited 0 (it ran nothing), failing if it crashed or
 * failed to load (`ERR_MODULE_NOT_FOUND`). Neither is a test, so both are taken out of the
 * counts. Attacks stopped: a run red only because of an import error passing
 * `tests_failing`, and a test file that registers no test passing `tests_passing`.
 */
import type { RunnerParser } from './types.js';
import { lastMatch } from './text.js';

/** An absolute path to a script: the name node gives a file-level result. */
const FILE = String.raw`\/\S+\.[cm]?[jt]sx?`;

/** TAP: top-level `ok N - /abs/file.test.js` / `not ok N - /abs/file.test.js`. */
function tapFileResults(text: string): { passed: number; failed: number } {
  return {
    passed: text.match(new RegExp(String.raw`^ok \d+ - ${FILE}[ \t]*$`, 'gm'))?.length ?? 0,
    failed: text.match(new RegExp(String.raw`^not ok \d+ - ${FILE}[ \t]*$`, 'gm'))?.length ?? 0,
  };
}

/** spec: `✔ /abs/file.test.js (12ms)` / `✖ /abs/file.test.js (12ms)` before the summary (the "failing tests" list repeats failures after it). */
function specFileResults(text: string): { passed: number; failed: number } {
  const end = text.search(/^ℹ tests \d+/m);
  const body = end === -1 ? text : text.slice(0, end);
  return {
    passed: body.match(new RegExp(String.raw`^✔ ${FILE} \([\d.]+ms\)$`, 'gm'))?.length ?? 0,
    failed: body.match(new RegExp(String.raw`^✖ ${FILE} \([\d.]+ms\)$`, 'gm'))?.length ?? 0,
  };
}

export const nodeTest: RunnerParser = (text) => {
  const pass = lastMatch(text, /^[ \t]*([#ℹ]) pass (\d+)[ \t]*$/gm);
  if (pass === undefined) return undefined;
  const fail = /^[ \t]*[#ℹ] fail (\d+)[ \t]*$/m.exec(text.slice(pass.index));
  const files = pass[1] === '#' ? tapFileResults(text) : specFileResults(text);
  return {
    runner: 'node:test',
    at: pass.index,
    passed: Math.max(0, Number(pass[2]) - files.passed),
    failed: Math.max(0, (fail === null ? 0 : Number(fail[1])) - files.failed),
  };
};

/** Bare TAP without a summary (tape and friends): top-level `ok N` / `not ok N` lines. */
export const tapLines: RunnerParser = (text) => {
  const ok = text.match(/^ok \d+/gm)?.length ?? 0;
  const notOk = text.match(/^not ok \d+/gm)?.length ?? 0;
  if (ok + notOk === 0) return undefined;
  const files = tapFileResults(text);
  return { runner: 'tap', at: Math.max(text.lastIndexOf('\nok '), text.lastIndexOf('\nnot ok ')), passed: ok - files.passed, failed: notOk - files.failed };
};
