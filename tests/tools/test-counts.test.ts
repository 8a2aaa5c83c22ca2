/**
 * Runner counts from REAL captured output (tests/fixtures/runners, see its README): for each
 * runner and mode, a passing run, a red run, a run that never reached a test (import or
 * compile error) and a run that selected no test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTestCounts } from '../../proxy/tools/test-counts/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'runners');
const exitCodes = new Map(
  readFileSync(join(DIR, 'exit-codes.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ') as [string, string]),
);
const read = (name: string) => readTestCounts(readFileSync(join(DIR, `${name}.txt`), 'utf8'));

type Row = readonly [fixture: string, runner: string | null, passed: number, failed: number];

/** Expected counts per captured file. `null` runner: no summary to read (the run reached no test). */
const TABLE: readonly Row[] = [
  ['vitest-pass', 'vitest', 2, 0],
  ['vitest-fail', 'vitest', 1, 1],
  ['vitest-loaderror', 'vitest', 0, 0],
  ['vitest-none', null, 0, 0],
  ['vitest-json-pass', 'jest-json', 2, 0],
  ['vitest-json-fail', 'jest-json', 1, 1],
  ['vitest-json-loaderror', 'jest-json', 0, 0],
  ['vitest-json-none', 'jest-json', 0, 0],
  ['jest-pass', 'jest', 2, 0],
  ['jest-fail', 'jest', 1, 1],
  ['jest-loaderror', 'jest', 0, 0],
  ['jest-none', null, 0, 0],
  ['jest-json-pass', 'jest-json', 2, 0],
  ['jest-json-fail', 'jest-json', 1, 1],
  ['jest-json-loaderror', 'jest-json', 0, 0],
  ['jest-json-none', 'jest-json', 0, 0],
  ['node-tap-pass', 'node:test', 2, 0],
  ['node-tap-fail', 'node:test', 1, 1],
  ['node-tap-loaderror', 'node:test', 0, 0],
  ['node-tap-none', 'node:test', 0, 0],
  // A file that registers no test is reported by node 20 as one passing "test" (the file).
  ['node-tap-emptyfile', 'node:test', 0, 0],
  ['node-spec-emptyfile', 'node:test', 0, 0],
  ['node-spec-pass', 'node:test', 2, 0],
  ['node-spec-fail', 'node:test', 1, 1],
  ['node-spec-loaderror', 'node:test', 0, 0],
  ['node-spec-none', 'node:test', 0, 0],
  ['mocha-pass', 'mocha', 2, 0],
  ['mocha-fail', 'mocha', 1, 1],
  ['mocha-loaderror', null, 0, 0],
  ['mocha-none', null, 0, 0],
  ['mocha-json-pass', 'mocha-json', 2, 0],
  ['mocha-json-fail', 'mocha-json', 1, 1],
  ['mocha-json-loaderror', null, 0, 0],
  ['mocha-json-none', null, 0, 0],
  ['pytest-pass', 'pytest', 2, 0],
  ['pytest-fail', 'pytest', 1, 1],
  ['pytest-loaderror', 'pytest', 0, 0],
  ['pytest-none', 'pytest', 0, 0],
  ['pytest-q-pass', 'pytest', 2, 0],
  ['pytest-q-fail', 'pytest', 1, 1],
  ['pytest-q-loaderror', 'pytest', 0, 0],
  ['pytest-q-none', 'pytest', 0, 0],
  ['go-json-pass', 'go-json', 2, 0],
  ['go-json-fail', 'go-json', 1, 1],
  ['go-json-loaderror', 'go', 0, 0],
  ['go-json-none', null, 0, 0],
  ['go-v-pass', 'go', 2, 0],
  ['go-v-fail', 'go', 1, 1],
  ['go-v-loaderror', 'go', 0, 0],
  ['go-v-none', null, 0, 0],
  // Plain `go test` prints no per-test line for a pass: each passing package counts as one.
  ['go-pass', 'go', 1, 0],
  ['go-fail', 'go', 0, 1],
  ['go-loaderror', 'go', 0, 0],
  ['go-none', null, 0, 0],
  ['cargo-pass', 'cargo', 2, 0],
  ['cargo-fail', 'cargo', 1, 1],
  ['cargo-loaderror', null, 0, 0],
  ['cargo-none', 'cargo', 0, 0],
];

describe('test counts from real runner output', () => {
  it('covers every captured file', () => {
    expect(TABLE.map((r) => r[0]).sort()).toEqual([...exitCodes.keys()].sort());
  });

  for (const [fixture, runner, passed, failed] of TABLE) {
    it(`${fixture} (exit ${exitCodes.get(fixture)}) → ${passed} passed, ${failed} failed`, () => {
      expect(read(fixture)).toEqual({ runner, passed, failed });
    });
  }

  it('a load error never counts as a failing test, whatever the exit code', () => {
    for (const [fixture] of TABLE.filter((r) => r[0].endsWith('-loaderror'))) {
      expect(exitCodes.get(fixture), fixture).not.toBe('0');
      expect(read(fixture).failed, fixture).toBe(0);
    }
  });

  it('a fake summary printed by a test does not outvote the runner’s own (the last summary wins)', () => {
    const real = readFileSync(join(DIR, 'vitest-fail.txt'), 'utf8');
    const spoof = `# tests 9\n# pass 9\n# fail 0\n      Tests  9 passed (9)\n${real}`;
    expect(readTestCounts(spoof)).toEqual({ runner: 'vitest', passed: 1, failed: 1 });
  });
});
