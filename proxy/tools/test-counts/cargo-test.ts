/**
 * cargo test (libtest; its JSON output needs a nightly toolchain, so the stable text is
 * read). Each test binary and the doc-tests close with `test result: ok. 2 passed; 0 failed;
 * …`: the counts are summed over all of them. A compile error prints no such line.
 */
import type { RunnerParser } from './types.js';

export const cargoTest: RunnerParser = (text) => {
  let passed = 0;
  let failed = 0;
  let at = -1;
  for (const m of text.matchAll(/^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed;/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    at = m.index;
  }
  return at === -1 ? undefined : { runner: 'cargo', at, passed, failed };
};
