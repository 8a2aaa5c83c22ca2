/**
 * node:test. Both reporters close with `# pass N` / `# fail N` (TAP, the default when output
 * is not a terminal) or `ℹ pass N` / `ℹ fail N` (spec). A test FILE that fails to load is
 * reported as one failing "test" named by the file's absolute path, with `error: 'test
 * failed'` (`code: 'ERR_TEST_FAILURE'` in TAP): that is a load error, not a failing test, so
 * it is taken out of `failed`. Attack stopped: a run red only because of ERR_MODULE_NOT_FOUND
 * passing `tests_failing`.
 */
import type { RunnerParser } from './types.js';
import { lastMatch } from './text.js';

/** TAP: `not ok N - /abs/file.test.js` whose YAML block says ERR_TEST_FAILURE. */
function tapFileFailures(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/^not ok \d+ - (\/\S+)\n((?:  .*\n)*?)  \.\.\.$/gm)) {
    if (/^\s+code: 'ERR_TEST_FAILURE'$/m.test(m[2] ?? '')) n++;
  }
  return n;
}

/** spec: in the "failing tests" section, `✖ /abs/file.test.js (12ms)` followed by `  'test failed'`. */
function specFileFailures(text: string): number {
  const section = text.lastIndexOf('✖ failing tests:');
  if (section === -1) return 0;
  return [...text.slice(section).matchAll(/^✖ \/\S+ \([\d.]+ms\)\n[ \t]+'test failed'$/gm)].length;
}

export const nodeTest: RunnerParser = (text) => {
  const pass = lastMatch(text, /^[ \t]*([#ℹ]) pass (\d+)[ \t]*$/gm);
  if (pass === undefined) return undefined;
  const fail = /^[ \t]*[#ℹ] fail (\d+)[ \t]*$/m.exec(text.slice(pass.index));
  const reported = fail === null ? 0 : Number(fail[1]);
  const fileFailures = pass[1] === '#' ? tapFileFailures(text) : specFileFailures(text);
  return { runner: 'node:test', at: pass.index, passed: Number(pass[2]), failed: Math.max(0, reported - fileFailures) };
};

/** Bare TAP without a summary (tape and friends): top-level `ok N` / `not ok N` lines. */
export const tapLines: RunnerParser = (text) => {
  const ok = text.match(/^ok \d+/gm)?.length ?? 0;
  const notOk = text.match(/^not ok \d+/gm)?.length ?? 0;
  if (ok + notOk === 0) return undefined;
  return { runner: 'tap', at: Math.max(text.lastIndexOf('\nok '), text.lastIndexOf('\nnot ok ')), passed: ok, failed: notOk - tapFileFailures(text) };
};
