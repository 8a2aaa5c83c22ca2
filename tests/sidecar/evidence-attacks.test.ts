/**
 * Issue 10, attacks on test evidence, each performed as an adversarial agent would (agent key
 * and phase token only) through the real wire against a real coordinator and sidecar, each
 * ending blocked with its precise blocker code.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCKING_REVIEW, BROKEN, FIXED, IMPLEMENTATION, codes, runTests, useNodeTest, writeSource } from './evidence-helpers.js';
import { PLAN, startStack, walkToImpl, type RawAgent, type Stack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** IMPL → REVIEW → IMPL: returns the token of the second IMPL visit. */
async function loopBack(agent: RawAgent, implToken: string): Promise<string> {
  await writeSource(agent, implToken, FIXED);
  expect((await runTests(agent, implToken)).exit_code).toBe(0);
  const review = await agent.ok('task.transition', { token: implToken, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
  expect(review.allowed).toBe(true);
  const back = await agent.ok('task.transition', { token: review.token, target_phase: 'IMPL', artifacts: { review: BLOCKING_REVIEW } });
  expect(back).toMatchObject({ allowed: true, phase: 'IMPL' });
  return back.token as string;
}

describe('stale evidence', () => {
  it('after REVIEW → IMPL, the green run of the earlier IMPL visit does not count once the source is broken again', async () => {
    stack = await startStack();
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    const second = await loopBack(agent, token);
    await writeSource(agent, second, BROKEN);
    const r = await agent.ok('task.transition', { token: second, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(r.allowed).toBe(false);
    expect(codes(r)).toEqual(['tests_passing']);
    expect(r.blockers[0].message).toMatch(/no run_tests recorded in this visit of IMPL/);
    // The token of the first IMPL visit is superseded, not a way back to its evidence.
    const old = await agent.call('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(old.error?.data.reason).toBe('token_superseded');
  });

  it('a green run followed by a write (break after green) is tests_stale, and a fresh run on the current files passes', async () => {
    stack = await startStack();
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    await writeSource(agent, token, FIXED);
    expect((await runTests(agent, token)).exit_code).toBe(0);
    await writeSource(agent, token, BROKEN);
    const stale = await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(codes(stale)).toEqual(['tests_stale']);
    expect(stale.blockers[0].message).toMatch(/changed after the green run_tests.*1 change\(s\) applied since.*run_tests again/);
    // Swap and restore: the tree is back to what was tested, but two changes went through since.
    await writeSource(agent, token, FIXED);
    expect(codes(await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } }))).toEqual(['tests_stale']);
    // A delete counts too.
    await agent.ok('tool.call', { token, tool: 'write_file', args: { path: 'src/extra.js', content: '1' } });
    expect((await runTests(agent, token)).exit_code).toBe(0);
    await agent.ok('tool.call', { token, tool: 'delete_file', args: { path: 'src/extra.js' } });
    expect(codes(await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } }))).toEqual(['tests_stale']);
    expect((await runTests(agent, token)).exit_code).toBe(0);
    expect(await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } })).toMatchObject({ allowed: true, phase: 'REVIEW' });
  });
});

/** A fresh stack whose runner is node:test, with one task claimed and moved to TDD. */
async function nodeTestInTdd(): Promise<{ agent: RawAgent; tdd: { token: string } }> {
  stack = await startStack();
  await useNodeTest(stack);
  await stack.addTask();
  const agent = await stack.connect();
  const claim = await agent.ok('task.claim', {});
  return { agent, tdd: await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } }) };
}

describe('runs that reach no test', () => {
  it('a red run caused only by an import error (ERR_MODULE_NOT_FOUND under node:test) is tests_not_run, not red', async () => {
    const { agent, tdd } = await nodeTestInTdd();
    await agent.ok('tool.call', {
      token: tdd.token, tool: 'write_file',
      args: { path: 'tests/sub.test.mjs', content: "import test from 'node:test';\nimport assert from 'node:assert';\nimport { sub } from '../src/sub.mjs';\ntest('subtracts', () => assert.equal(sub(3, 1), 2));\n" },
    });
    const red = await runTests(agent, tdd.token);
    expect(red).toMatchObject({ exit_code: 1, passed: 0, failed: 0 });
    const r = await agent.ok('task.transition', { token: tdd.token, target_phase: 'IMPL', artifacts: { tests: { test_files: [{ path: 'tests/sub.test.mjs', covers: ['sub'] }] } } });
    expect(codes(r)).toEqual(['tests_not_run']);
    expect(r.blockers[0].message).toMatch(/without running a single test/);
    // A real failing test is red.
    await agent.ok('tool.call', {
      token: tdd.token, tool: 'write_file',
      args: { path: 'tests/sub.test.mjs', content: "import test from 'node:test';\nimport assert from 'node:assert';\ntest('subtracts', async () => { const m = await import('../src/sub.mjs').catch(() => ({})); assert.equal(m.sub?.(3, 1), 2); });\n" },
    });
    expect(await runTests(agent, tdd.token)).toMatchObject({ exit_code: 1, passed: 0, failed: 1 });
    expect(await agent.ok('task.transition', { token: tdd.token, target_phase: 'IMPL', artifacts: { tests: { test_files: [{ path: 'tests/sub.test.mjs', covers: ['sub'] }] } } })).toMatchObject({ allowed: true });
  });

  it('zero tests: a locked test that selects nothing once a source file says so gives a green run with 0 tests → tests_not_run', async () => {
    const { agent, tdd } = await nodeTestInTdd();
    // Written in TDD by the agent: skips every test when src/.skip exists.
    const sneaky = "import test from 'node:test';\nimport assert from 'node:assert';\nimport { existsSync } from 'node:fs';\n" +
      "if (!existsSync('src/.skip')) test('adds', () => assert.equal(2 + 3, 6));\n";
    await agent.ok('tool.call', { token: tdd.token, tool: 'write_file', args: { path: 'tests/add.test.mjs', content: sneaky } });
    expect((await runTests(agent, tdd.token)).failed).toBe(1);
    const impl = await agent.ok('task.transition', { token: tdd.token, target_phase: 'IMPL', artifacts: { tests: { test_files: [{ path: 'tests/add.test.mjs', covers: ['add'] }] } } });
    expect(impl.allowed).toBe(true);
    await agent.ok('tool.call', { token: impl.token, tool: 'write_file', args: { path: 'src/.skip', content: '' } });
    expect(await runTests(agent, impl.token)).toMatchObject({ exit_code: 0, passed: 0, failed: 0 });
    const r = await agent.ok('task.transition', { token: impl.token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(codes(r)).toEqual(['tests_not_run']);
  });
});

describe('runner and compiler configs', () => {
  it('IMPL cannot write vite.config.js, tsconfig.json, babel.config.js, .mocharc.json, pytest.ini or conftest.py', async () => {
    stack = await startStack();
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    const configs: [string, string][] = [
      ['vite.config.js', "export default { test: { include: ['nothing/**'], passWithNoTests: true } };\n"],
      ['vitest.config.mjs', 'export default {};\n'],
      ['tsconfig.json', '{"compilerOptions": {"noEmit": true}}\n'],
      ['babel.config.js', 'module.exports = {};\n'],
      ['.mocharc.json', '{"spec": ["nothing/**"]}\n'],
      ['pytest.ini', '[pytest]\naddopts = -k nothing\n'],
      ['conftest.py', 'collect_ignore_glob = ["*"]\n'],
      ['packages/web/jest.config.js', 'module.exports = { testMatch: [] };\n'],
    ];
    for (const [path, content] of configs) {
      const r = await agent.call('tool.call', { token, tool: 'write_file', args: { path, content } });
      expect(r.error?.data.reason, path).toBe('path_not_permitted');
    }
  });

  it('a runner config changed behind the file tools breaks the lock (test_config is hashed with the tests)', async () => {
    stack = await startStack();
    await writeFile(join(stack.workspace, 'tsconfig.json'), '{"compilerOptions": {"strict": true}}\n');
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    await writeSource(agent, token, FIXED);
    // E.g. a command run with the sandbox off: the file tools never saw this write.
    await writeFile(join(stack.workspace, 'tsconfig.json'), '{"compilerOptions": {"strict": false}}\n');
    expect((await runTests(agent, token)).exit_code).toBe(0);
    const r = await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(r.blockers.map((b: { code: string; path?: string }) => [b.code, b.path ?? null])).toEqual([
      ['tests_unchanged', null],
      ['tests_unchanged', 'tsconfig.json'],
    ]);
  });
});
