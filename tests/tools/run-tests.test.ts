import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTestCounts } from '../../proxy/tools/test-counts/index.js';
import { scratch, type Scratch } from './helpers.js';

describe('parseTestCounts', () => {
  const samples: [string, string, number, { passed: number; failed: number }][] = [
    ['vitest', ' Test Files  1 failed | 2 passed (3)\n      Tests  3 failed | 5 passed | 1 skipped (9)\n   Start at  10:00:00', 1, { passed: 5, failed: 3 }],
    ['vitest all passing', '      Tests  12 passed (12)\n', 0, { passed: 12, failed: 0 }],
    ['vitest with colours', '\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m2 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m4 passed\u001b[39m\u001b[22m (6)', 1, { passed: 4, failed: 2 }],
    ['jest', 'Test Suites: 1 failed, 1 passed, 2 total\nTests:       1 failed, 1 skipped, 4 passed, 6 total\nSnapshots:   0 total', 1, { passed: 4, failed: 1 }],
    ['node:test tap', 'TAP version 13\nok 1 - a\nnot ok 2 - b\n1..2\n# tests 2\n# pass 1\n# fail 1\n# cancelled 0', 1, { passed: 1, failed: 1 }],
    ['node:test spec', '✔ a (0.5ms)\n✖ b (1ms)\nℹ tests 7\nℹ pass 5\nℹ fail 2\n', 1, { passed: 5, failed: 2 }],
    ['bare TAP', 'TAP version 13\nok 1 a\nok 2 b\n  not ok 1 nested\nnot ok 3 c\n1..3\n', 1, { passed: 2, failed: 1 }],
    // Errors (collection, fixtures) are not failed tests: a run with only errors reached no test.
    ['pytest', '....F\n=========== 2 failed, 3 passed, 1 error in 0.12s ===========', 1, { passed: 3, failed: 2 }],
    ['pytest passing', '============================== 7 passed in 0.03s ===============================', 0, { passed: 7, failed: 0 }],
    ['mocha', '  ✓ a\n  1) b\n\n  5 passing (12ms)\n  1 failing\n\n  1) b:\n', 1, { passed: 5, failed: 1 }],
    ['plain', 'summary: 8 passed, 2 failed', 1, { passed: 8, failed: 2 }],
    ['last summary wins', '      Tests  1 failed (1)\n...rerun...\n      Tests  1 passed (1)\n', 0, { passed: 1, failed: 0 }],
  ];
  it.each(samples)('reads %s', (_, output, code, expected) => {
    expect(parseTestCounts(output, code)).toEqual(expected);
  });

  it('an unrecognized output reached no test, whatever the exit code (no invented failing test)', () => {
    expect(parseTestCounts('Segmentation fault', 139)).toEqual({ passed: 0, failed: 0 });
    expect(parseTestCounts('all good', 0)).toEqual({ passed: 0, failed: 0 });
    expect(parseTestCounts('ran everything: 8 passed, 2 failed somewhere', 1)).toEqual({ passed: 0, failed: 0 });
  });
});

describe('runTests', () => {
  let s: Scratch;
  beforeEach(async () => {
    s = await scratch();
  });
  afterEach(() => s.cleanup());

  it('runs a real node --test suite at the root and counts its results', async () => {
    writeFileSync(
      join(s.root, 'math.test.mjs'),
      "import test from 'node:test';\nimport assert from 'node:assert';\n" +
        "test('adds', () => assert.equal(1 + 1, 2));\ntest('subtracts', () => assert.equal(2 - 1, 1));\n" +
        "test('is wrong', () => assert.equal(1, 2));\n",
    );
    const r = await s.ws.runTests([process.execPath, '--test'], { timeoutMs: 30_000 });
    expect(r).toMatchObject({ exit_code: 1, passed: 2, failed: 1 });
    expect(r.output).toMatch(/is wrong/);
    expect(r.duration_ms).toBeGreaterThan(0);
  });

  it('counts a passing suite with exit code 0', async () => {
    writeFileSync(join(s.root, 'ok.test.mjs'), "import test from 'node:test';\ntest('fine', () => {});\n");
    expect(await s.ws.runTests([process.execPath, '--test'], { timeoutMs: 30_000 })).toMatchObject({ exit_code: 0, passed: 1, failed: 0 });
  });
});
