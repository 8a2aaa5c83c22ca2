/**
 * Issue 10, attacks on the test lock and on review, through the real wire against a real
 * coordinator and sidecars, each ending blocked with its precise code.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVE, BLOCKING_REVIEW, FIXED, IMPLEMENTATION, codes, otherAgent, runTests, taskRecord, writeSource } from './evidence-helpers.js';
import { AGENT_KEY, PLAN, TESTS, startStack, walkToImpl, type RawAgent, type Stack } from './stack.js';

let stack: Stack | undefined;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await stack?.close();
  stack = undefined;
});

async function toTdd(agent: RawAgent): Promise<string> {
  const claim = await agent.ok('task.claim', {});
  return (await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } })).token as string;
}

async function toReview(agent: RawAgent, implToken: string): Promise<string> {
  await writeSource(agent, implToken, FIXED);
  expect((await runTests(agent, implToken)).exit_code).toBe(0);
  const r = await agent.ok('task.transition', { token: implToken, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
  expect(r, JSON.stringify(r)).toMatchObject({ allowed: true, phase: 'REVIEW' });
  return r.token as string;
}

describe('the test lock', () => {
  it('a symlinked test file is refused when the lock is taken (tests_symlink)', async () => {
    stack = await startStack();
    await writeFile(join(stack.workspace, 'src/stub.js'), "console.log('1 passed, 0 failed');\n");
    await symlink('../src/stub.js', join(stack.workspace, 'tests/stubbed.test.js'));
    await stack.addTask();
    const agent = await stack.connect();
    const tdd = await toTdd(agent);
    expect((await runTests(agent, tdd)).failed).toBe(1);
    const r = await agent.ok('task.transition', { token: tdd, target_phase: 'IMPL', artifacts: { tests: TESTS } });
    expect(r.blockers.map((b: { code: string; path?: string }) => [b.code, b.path])).toEqual([['tests_symlink', 'tests/stubbed.test.js']]);
  });

  it('a symlink that appears after the lock blocks IMPL → REVIEW (tests_symlink)', async () => {
    stack = await startStack();
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    await symlink('../src/app.js', join(stack.workspace, 'tests/late.test.js'));
    await writeSource(agent, token, FIXED);
    expect((await runTests(agent, token)).exit_code).toBe(0);
    const r = await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(codes(r)).toContain('tests_symlink');
  });

  it('files under tests/node_modules/ and tests/.git/ are locked, counted and checked', async () => {
    stack = await startStack();
    await mkdir(join(stack.workspace, 'tests/node_modules/helper'), { recursive: true });
    await writeFile(join(stack.workspace, 'tests/node_modules/helper/index.js'), 'module.exports = (x) => x;\n');
    await mkdir(join(stack.workspace, 'tests/.git'), { recursive: true });
    await writeFile(join(stack.workspace, 'tests/.git/fixture.txt'), 'fixture\n');
    const id = await stack.addTask();
    const agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    const lock = (await taskRecord(stack, id)).test_lock as Record<string, string>;
    expect(Object.keys(lock).sort()).toEqual(['tests/.git/fixture.txt', 'tests/node_modules/helper/index.js', 'tests/run.js']);
    // The file tools refuse both in IMPL …
    for (const path of ['tests/node_modules/helper/index.js', 'tests/.git/fixture.txt']) {
      const w = await agent.call('tool.call', { token, tool: 'write_file', args: { path, content: 'stub' } });
      expect(w.error?.data.reason, path).toBe('path_not_permitted');
    }
    // … and a change behind their back (a command with the sandbox off) is caught by the lock.
    await writeFile(join(stack.workspace, 'tests/node_modules/helper/index.js'), 'module.exports = () => true;\n');
    await rm(join(stack.workspace, 'tests/.git/fixture.txt'));
    await writeSource(agent, token, FIXED);
    expect((await runTests(agent, token)).exit_code).toBe(0);
    const r = await agent.ok('task.transition', { token, target_phase: 'REVIEW', artifacts: { implementation: IMPLEMENTATION } });
    expect(r.blockers.map((b: { code: string; path?: string; message: string }) => [b.code, b.path ?? b.message])).toEqual([
      ['tests_unchanged', 'test lock broken: 0 added, 1 removed, 1 changed (of 3 locked files)'],
      ['tests_unchanged', 'tests/.git/fixture.txt'],
      ['tests_unchanged', 'tests/node_modules/helper/index.js'],
    ]);
  });
});

describe('independent review', () => {
  it('an agent cannot give itself the review capability in task.claim (WebSocket and HTTP)', async () => {
    stack = await startStack();
    await stack.addTask();
    const author = await stack.connect();
    const { token } = await walkToImpl(author);
    await toReview(author, token);
    // The same agent behind a second sidecar under another agent id, no capability granted.
    const alias = await otherAgent(stack, 'agent-1-alias', cleanup);
    const ws = await alias.call('task.claim', { capabilities: ['review'] });
    expect(ws.error?.data.reason).toBe('invalid_params');
    expect(ws.error?.message).toMatch(/capability "review" was not granted/);
    expect((await alias.call('task.claim', {})).error?.data.reason).toBe('no_task');
    const sidecarHttp = alias.ws.url.replace('ws://', 'http://').replace('/agent', '');
    const viaHttp = await fetch(`${sidecarHttp}/api/v1/tasks/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ capabilities: ['review'] }),
    });
    expect(viaHttp.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(await viaHttp.json())).toMatch(/not granted/);
  });

  it('the author cannot claim its own review task, even with the capability granted (task_not_claimable / no_task)', async () => {
    stack = await startStack({ sidecar: { capabilities: ['review'] } });
    await stack.addTask();
    const author = await stack.connect();
    const { token, taskId } = await walkToImpl(author);
    await toReview(author, token);
    const child = (await taskRecord(stack, taskId)).spawned[0] as string;
    // A second sidecar under the author's own agent id (the operator granted it review).
    const again = await otherAgent(stack, 'agent-1', cleanup, ['review']);
    expect((await again.call('task.claim', {})).error?.data.reason).toBe('no_task');
    const byId = await again.call('task.claim', { task_id: child });
    expect(byId.error?.data.reason).toBe('no_task');
    expect(byId.error?.data.coordinator_reason).toBe('task_not_claimable');
    expect(byId.error?.message).toMatch(/agent-1 worked on/);
    // Another agent with the grant may.
    const reviewer = await otherAgent(stack, 'reviewer-1', cleanup, ['review']);
    expect((await reviewer.ok('task.claim', {})).task.id).toBe(child);
  });

  it('review loops are bounded: the 4th REVIEW → IMPL is review_rounds_exhausted, earlier rounds are cancelled', async () => {
    stack = await startStack();
    const id = await stack.addTask();
    const author = await stack.connect();
    let { token } = await walkToImpl(author);
    let review = '';
    for (let round = 1; round <= 3; round++) {
      review = await toReview(author, token);
      const spawned = (await taskRecord(stack, id)).spawned as string[];
      expect(spawned).toHaveLength(round);
      if (round === 3) break;
      const back = await author.ok('task.transition', { token: review, target_phase: 'IMPL', artifacts: { review: BLOCKING_REVIEW } });
      expect(back.allowed).toBe(true);
      token = back.token;
    }
    const refused = await author.ok('task.transition', { token: review, target_phase: 'IMPL', artifacts: { review: BLOCKING_REVIEW } });
    expect(codes(refused)).toEqual(['review_rounds_exhausted']);
    expect(refused.blockers[0].message).toMatch(/3 review round\(s\) done \(max_review_rounds: 3\)/);
    const spawned = (await taskRecord(stack, id)).spawned as string[];
    expect(spawned).toHaveLength(3);
    const statuses = await Promise.all(spawned.map(async (c) => (await taskRecord(stack as Stack, c)).status));
    expect(statuses).toEqual(['failed', 'failed', 'pending']);
    // Only the live round can be claimed.
    const reviewer = await otherAgent(stack, 'reviewer-1', cleanup, ['review']);
    const claimed = await reviewer.ok('task.claim', {});
    expect(claimed.task.id).toBe(spawned[2]);
    expect((await reviewer.ok('task.transition', { token: claimed.token, target_phase: 'COMPLETE', artifacts: { review: APPROVE } })).allowed).toBe(true);
  });
});
