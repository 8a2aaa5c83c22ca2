/**
 * go test. Machine-readable: `-json` prints one event per line; `{"Action":"pass"|"fail",
 * "Test":"TestX"}` is one test (subtests `TestX/sub` are not counted again). Human: `-v`
 * prints `--- PASS: TestX` / `--- FAIL: TestX`; plain `go test` prints only failures and one
 * `ok  pkg  0.01s` per passing package, so each such package counts as one passed test (a
 * lower bound; `[no tests to run]` counts none). `FAIL pkg [build failed]` is a compile
 * error, not a failed test.
 */
import type { RunnerParser } from './types.js';

export const goJson: RunnerParser = (text) => {
  let passed = 0;
  let failed = 0;
  let at = -1;
  for (const m of text.matchAll(/^\{.*"Action":"(pass|fail)".*\}$/gm)) {
    let event: { Action?: unknown; Test?: unknown };
    try {
      event = JSON.parse(m[0]) as typeof event;
    } catch {
      continue;
    }
    if (typeof event.Test !== 'string' || event.Test.includes('/')) continue;
    if (event.Action === 'pass') passed++;
    else failed++;
    at = m.index;
  }
  return at === -1 ? undefined : { runner: 'go-json', at, passed, failed };
};

export const goTest: RunnerParser = (text) => {
  const verbosePass = [...text.matchAll(/^--- PASS: /gm)];
  const fails = [...text.matchAll(/^--- FAIL: /gm)];
  const okPackages = [...text.matchAll(/^ok[ \t]+\S+[ \t]+(?:[\d.]+s|\(cached\))(?![^\n]*\[no tests to run\])/gm)];
  const failPackages = [...text.matchAll(/^FAIL[ \t]+\S+[ \t]+(?:[\d.]+s|\[(?:build|setup) failed\])/gm)];
  const marks = [...verbosePass, ...fails, ...okPackages, ...failPackages].map((m) => m.index);
  if (marks.length === 0) return undefined;
  const passed = verbosePass.length > 0 ? verbosePass.length : okPackages.length;
  return { runner: 'go', at: Math.max(...marks), passed, failed: fails.length };
};
