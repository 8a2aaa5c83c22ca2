/**
 * Issue 10 with the command sandbox (SPEC §11): a command's applied changes count as
 * workspace changes (a green run before them is stale), a test run's own changes do not void
 * it, an unsandboxed command always counts, and a command cannot swap a locked test.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED, IMPLEMENTATION, codes, runTests, writeSource } from './evidence-helpers.js';
import { startStack, walkToImpl, type Stack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** `npm run build` (allowed in IMPL) runs `script`; the test run also writes coverage/summary.txt each time. */
async function project(s: Stack, script: string): Promise<void> {
  await writeFile(join(s.workspace, 'package.json'), JSON.stringify({ name: 'fixture', private: true, scripts: { test: 'node tests/run.js', build: script } }, null, 2));
  await writeFile(
    join(s.workspace, 'tests/run.js'),
    "const fs = require('fs');\nconst { add } = require('../src/app.js');\nconst ok = add(2, 3) === 5;\n" +
      "fs.mkdirSync('coverage', { recursive: true });\nfs.writeFileSync('coverage/summary.txt', String(Date.now()));\n" +
      "console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');\nprocess.exit(ok ? 0 : 1);\n",
  );
}

const toReview = { target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } };

describe('evidence and the command sandbox', () => {
  it("a sandboxed command's applied change makes the green run stale; the run's own files do not", async () => {
    stack = await startStack();
    await project(stack, "node -e \"require('fs').writeFileSync('src/built.js', 'built')\"");
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    await writeSource(agent, token, FIXED);
    const green = await agent.ok('tool.call', { token, tool: 'run_tests', args: {} });
    expect(green.exit_code).toBe(0);
    expect(green.changes?.applied).toContain('coverage/summary.txt');
    const build = await agent.ok('tool.call', { token, tool: 'run_command', args: { argv: ['npm', 'run', 'build'] } });
    expect(build.changes.applied).toEqual(['src/built.js']);
    expect(codes(await agent.ok('task.transition', { token, ...toReview }))).toEqual(['tests_stale']);
    // Run again: its own coverage file is part of its result, so it counts.
    expect((await runTests(agent, token)).exit_code).toBe(0);
    expect(await agent.ok('task.transition', { token, ...toReview })).toMatchObject({ allowed: true, phase: 'REVIEW' });
  });

  it('a command cannot swap a locked test (read-only in the sandbox, refused by the change review)', async () => {
    stack = await startStack();
    await project(stack, "node -e \"require('fs').writeFileSync('tests/run.js', 'console.log(\\'1 passed, 0 failed\\')')\"");
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    const before = await readFile(join(stack.workspace, 'tests/run.js'), 'utf8');
    const build = await agent.ok('tool.call', { token, tool: 'run_command', args: { argv: ['npm', 'run', 'build'] } });
    expect(build.changes?.applied ?? []).not.toContain('tests/run.js');
    expect(await readFile(join(stack.workspace, 'tests/run.js'), 'utf8')).toBe(before);
    // The source is still broken: the stub never ran, the real test still fails.
    expect((await runTests(agent, token)).exit_code).toBe(1);
  });

  it('with the sandbox off, any command after the green run counts as a change', async () => {
    stack = await startStack({ sidecar: { sandbox: 'off' } });
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    await writeSource(agent, token, FIXED);
    expect((await runTests(agent, token)).exit_code).toBe(0);
    await agent.ok('tool.call', { token, tool: 'run_command', args: { argv: ['git', 'status'] } });
    const r = await agent.ok('task.transition', { token, ...toReview });
    expect(codes(r)).toEqual(['tests_stale']);
  });
});
