/** The HTTP surface on the agent port: tools/execute and the forwarded coordinator routes. */
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_KEY, PLAN, startStack, type Stack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function agentHttp(s: Stack, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key: string | null = AGENT_KEY) {
  const res = await fetch(s.sidecar.httpUrl + path, {
    method,
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('sidecar HTTP surface', () => {
  it('every route needs the agent key', async () => {
    stack = await startStack();
    for (const [method, path] of [['POST', '/api/v1/tools/execute'], ['POST', '/api/v1/tasks/claim'], ['POST', '/api/v1/tasks/transition'], ['POST', '/api/v1/tokens/refresh'], ['GET', '/api/v1/state/snapshot']] as const) {
      expect((await agentHttp(stack, method, path, method === 'POST' ? {} : undefined, {}, null)).status, path).toBe(401);
      // The sidecar key is not the agent key: a leaked coordinator credential does not open the workspace.
      expect((await agentHttp(stack, method, path, method === 'POST' ? {} : undefined, {}, stack.coordinator.sidecarKey)).status, path).toBe(401);
    }
  });

  it('a forwarded claim carries the sidecar agent id, not the one the client sent; tools/execute then works', async () => {
    stack = await startStack();
    const taskId = await stack.addTask();
    const claim = await agentHttp(stack, 'POST', '/api/v1/tasks/claim', { agent_id: 'someone-else', capabilities: [] });
    expect(claim.status).toBe(200);
    expect(claim.body.task.id).toBe(taskId);
    const { body } = await stack.admin('GET', `/api/v1/tasks/${taskId}`);
    expect(body.task.claim.agent_id).toBe('agent-1');
    const token = claim.body.phase_token as string;

    const ok = await agentHttp(stack, 'POST', '/api/v1/tools/execute', { phase_token: token, tool_name: 'read_file', args: { path: 'README.md' } });
    expect(ok).toEqual({ status: 200, body: { result: { content: '# fixture\n', bytes: 10 } } });
    const denied = await agentHttp(stack, 'POST', '/api/v1/tools/execute', { phase_token: token, tool_name: 'write_file', args: { path: 'src/app.js', content: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.reason).toBe('path_not_permitted');
    const noToken = await agentHttp(stack, 'POST', '/api/v1/tools/execute', { tool_name: 'read_file', args: { path: 'README.md' } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.reason).toBe('token_missing');
    const calls = (await stack.audit()).filter((r) => r.type === 'call');
    expect(calls.map((r) => r.decision)).toEqual(['allow', 'deny', 'deny']);

    const again = await agentHttp(stack, 'POST', '/api/v1/tasks/claim', {});
    expect(again.body.phase_token).toBe(token);

    const snap = await agentHttp(stack, 'GET', '/api/v1/state/snapshot', undefined, { 'x-phase-token': token });
    expect(snap.status).toBe(200);
    expect(snap.body).toHaveProperty('completed_tasks');
    const refreshed = await agentHttp(stack, 'POST', '/api/v1/tokens/refresh', { phase_token: token });
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.phase_token).toBe('string');
  });

  it('a forwarded transition uses the evidence the sidecar recorded, not the evidence the client sent', async () => {
    stack = await startStack();
    await stack.addTask();
    const agent = await stack.connect();
    const claim = await agent.ok('task.claim');
    const tdd = await agentHttp(stack, 'POST', '/api/v1/tasks/transition', {
      current_phase: 'PLAN', target_phase: 'TDD', phase_token: claim.token, artifacts: { plan: PLAN },
    });
    expect(tdd.status).toBe(200);
    expect(tdd.body.allowed).toBe(true);
    // The sidecar followed: the new token works over WebSocket, the old one is superseded.
    const tddToken = tdd.body.new_token as string;
    expect((await agent.ok('task.status', { token: tddToken })).phase).toBe('TDD');

    // Forged evidence: a failing test run that never happened.
    const forged = { test_runs: [{ phase: 'TDD', epoch: 1, exit_code: 1, passed: 0, failed: 3, at: new Date().toISOString() }], test_hashes: {} };
    const blocked = await agentHttp(stack, 'POST', '/api/v1/tasks/transition', {
      current_phase: 'TDD', target_phase: 'IMPL', phase_token: tddToken, artifacts: { tests: { test_files: [{ path: 'tests/run.js', covers: ['x'] }] } }, evidence: forged,
    });
    expect(blocked.status).toBe(200);
    expect(blocked.body.allowed).toBe(false);
    expect(blocked.body.blockers.map((b: { code: string }) => b.code)).toContain('tests_failing');

    // Another task's token is refused before anything reaches the coordinator.
    const otherToken = await stack.foreignToken();
    const foreign = await agentHttp(stack, 'POST', '/api/v1/tasks/transition', { current_phase: 'PLAN', target_phase: 'TDD', phase_token: otherToken, artifacts: { plan: PLAN } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.reason).toBe('token_wrong_task');
  });

  it('forwarding to a dead coordinator is 503 coordinator_unavailable', async () => {
    stack = await startStack();
    await stack.coordinator.close();
    const r = await agentHttp(stack, 'POST', '/api/v1/tasks/claim', {});
    expect(r.status).toBe(503);
    expect(r.body.error.reason).toBe('coordinator_unavailable');
  });
});
