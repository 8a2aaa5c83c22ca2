/**
 * Passed/failed counts from the summary a test runner prints. The most specific formats are
 * tried first; within a format the LAST summary wins (watchers and retries print several).
 * When no format matches: passed = 0, failed = exit code 0 ? 0 : 1 — a failing run with an
 * unknown runner still counts as "≥ 1 failing test" for `tests_failing`.
 */
export interface TestCounts {
  readonly passed: number;
  readonly failed: number;
}

// Colour codes would split "3" from "failed" in vitest/jest output under FORCE_COLOR.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(re)) last = m as RegExpExecArray;
  return last;
}

/** vitest `Tests  3 failed | 5 passed (8)`, jest `Tests:       1 failed, 4 passed, 5 total`. */
function vitestOrJest(text: string): TestCounts | undefined {
  const line = lastMatch(text, /^[ \t]*Tests:?[ \t]+(.*\d+ (?:passed|failed).*)$/gm)?.[1];
  if (line === undefined) return undefined;
  return { passed: num(line, /(\d+) passed/), failed: num(line, /(\d+) failed/) };
}

/** node:test (TAP `# pass 5` / spec `ℹ pass 5`) and tape-style TAP summaries. */
function nodeTest(text: string): TestCounts | undefined {
  const pass = lastMatch(text, /^[ \t]*[#ℹ] pass (\d+)[ \t]*$/gm);
  const fail = lastMatch(text, /^[ \t]*[#ℹ] fail (\d+)[ \t]*$/gm);
  if (pass === undefined && fail === undefined) return undefined;
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

/** mocha `5 passing (12ms)` / `1 failing`. */
function mocha(text: string): TestCounts | undefined {
  const pass = lastMatch(text, /^[ \t]*(\d+) passing\b/gm);
  const fail = lastMatch(text, /^[ \t]*(\d+) failing\b/gm);
  if (pass === undefined && fail === undefined) return undefined;
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

/** pytest `=== 2 failed, 3 passed, 1 error in 0.12s ===`: errors count as failures. */
function pytest(text: string): TestCounts | undefined {
  const line = lastMatch(text, /^=+ (.*\d+ (?:passed|failed|errors?).*) in [\d.]+s.*=+$/gm)?.[1];
  if (line === undefined) return undefined;
  return { passed: num(line, /(\d+) passed/), failed: num(line, /(\d+) failed/) + num(line, /(\d+) errors?/) };
}

/** Plain `N passed, N failed` anywhere (many small runners and scripts). */
function plain(text: string): TestCounts | undefined {
  const pass = lastMatch(text, /(\d+) passed\b/g);
  const fail = lastMatch(text, /(\d+) failed\b/g);
  if (pass === undefined && fail === undefined) return undefined;
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

/** Bare TAP without a summary: top-level `ok N` / `not ok N` lines (subtests are indented). */
function tapLines(text: string): TestCounts | undefined {
  const ok = text.match(/^ok \d+/gm)?.length ?? 0;
  const notOk = text.match(/^not ok \d+/gm)?.length ?? 0;
  return ok + notOk === 0 ? undefined : { passed: ok, failed: notOk };
}

const FORMATS = [vitestOrJest, nodeTest, mocha, pytest, plain, tapLines];

export function parseTestCounts(output: string, exitCode: number): TestCounts {
  const text = output.replace(ANSI, '').replace(/\r/g, '');
  for (const parse of FORMATS) {
    const counts = parse(text);
    if (counts !== undefined) return counts;
  }
  return { passed: 0, failed: exitCode === 0 ? 0 : 1 };
}
