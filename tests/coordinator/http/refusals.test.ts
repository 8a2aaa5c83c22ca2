/**
 * Every refusal status of the API, each performed as an attack or a mistake would, and each
 * checked to change no state (tasks and events compared before and after).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_EVIDENCE, PLAN, startTest, type TestCoordinator } from './helpers.js';

let c: TestCoordinator;
let taskId: string;
let token: string;
beforeEach(async () => {
  c = await startTest();
  taskId = (await c.admin('POST', '/api/v1/tasks', { title: 'T', acceptance_criteria: ['x'] })).body.task.id;
  token = (await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: taskId })).body.phase_token;
});
afterEach(async () => {
  await c.dispose();
});

async function state(): Promise<string> {
  const [tasks, events, approvals] = await Promise.all([
    c.admin('GET', '/api/v1/tasks'),
    c.admin('GET', '/api/v1/events?since=0'),
    c.admin('GET', '/api/v1/approvals?status=all'),
  ]);
  return JSON.stringify([tasks.body, events.body, approvals.body]);
}

/** Runs `attempt`, asserts status and reason, and that nothing changed. */
async function refused(attempt: () => Promise<{ status: number; body: any }>, status: number, reason: string): Promise<any> {
  const before = await state();
  const res = await attempt();
  expect(res.status).toBe(status);
  expect(res.body.error.reason).toBe(reason);
  expect(typeof res.body.error.message).toBe('string');
  expect(await state()).toBe(before);
  return res.body.error;
}

const transition = (phase_token: string, extra: Record<string, unknown> = {}) => ({
  current_phase: 'PLAN',
  target_phase: 'TDD',
  phase_token,
  artifacts: { plan: PLAN },
  evidence: NO_EVIDENCE,
  ...extra,
});

describe('401 / 403: keys and roles', () => {
  it('refuses a missing, a wrong and a malformed key with 401', async () => {
    await refused(() => c.anon('POST', '/api/v1/tasks', { title: 'x' }), 401, 'unauthorized');
    await refused(() => c.anon('POST', '/api/v1/tasks', { title: 'x' }, { authorization: 'Bearer not-the-key-at-all' }), 401, 'unauthorized');
    await refused(() => c.anon('POST', '/api/v1/tasks', { title: 'x' }, { authorization: `Basic ${c.adminKey}` }), 401, 'unauthorized');
    // A prefix of the right key is still wrong (comparison covers the whole key).
    await refused(() => c.anon('GET', '/api/v1/tasks', undefined, { authorization: `Bearer ${c.adminKey.slice(0, -1)}` }), 401, 'unauthorized');
  });

  it('refuses a sidecar on admin routes and an admin on sidecar routes with 403', async () => {
    await refused(() => c.sidecar('POST', '/api/v1/tasks', { title: 'x' }), 403, 'forbidden');
    await refused(() => c.sidecar('GET', `/api/v1/tasks/${taskId}`), 403, 'forbidden');
    await refused(() => c.sidecar('POST', `/api/v1/tasks/${taskId}/pause`, { reason: 'x' }), 403, 'forbidden');
    await refused(() => c.sidecar('GET', '/api/v1/approvals'), 403, 'forbidden');
    await refused(() => c.admin('POST', '/api/v1/tasks/claim', { agent_id: 'admin' }), 403, 'forbidden');
    await refused(() => c.admin('POST', '/api/v1/tasks/transition', transition(token)), 403, 'forbidden');
    await refused(() => c.admin('POST', '/api/v1/checkpoints', { agent_id: 'a', seq: 1, hash: 'h' }), 403, 'forbidden');
  });

  it('authenticates before reading the body: an unauthenticated huge body is a 401, not a 413', async () => {
    await refused(() => c.anon('POST', '/api/v1/tasks', 'x'.repeat(2 * 1024 * 1024)), 401, 'unauthorized');
  });
});

describe('400: malformed and mistyped bodies', () => {
  it('refuses malformed JSON', async () => {
    await refused(() => c.admin('POST', '/api/v1/tasks', '{"title": '), 400, 'invalid_body');
    await refused(() => c.sidecar('POST', '/api/v1/tasks/transition', 'not json'), 400, 'invalid_body');
  });

  it('names the field of a wrong type', async () => {
    expect(await refused(() => c.admin('POST', '/api/v1/tasks', { title: 42 }), 400, 'invalid_body')).toMatchObject({ path: 'title' });
    expect(await refused(() => c.admin('POST', '/api/v1/tasks', ['title']), 400, 'invalid_body')).toMatchObject({ path: '$' });
    expect(await refused(() => c.admin('POST', '/api/v1/tasks', { title: 't', priority: 1.5 }), 400, 'invalid_body')).toMatchObject({ path: 'priority' });
    expect(await refused(() => c.admin('POST', '/api/v1/tasks', { title: 't', depends_on: ['a', 3] }), 400, 'invalid_body')).toMatchObject({ path: 'depends_on[1]' });
    expect(await refused(() => c.sidecar('POST', '/api/v1/tasks/claim', {}), 400, 'invalid_body')).toMatchObject({ path: 'agent_id' });
    const badRun = { test_runs: [{ id: 'c-1', audit_seq: 1, phase: 'TDD', epoch: 1, visit: 1, exit_code: 1, passed: 0, failed: '1', revision: 0, at: 'now' }], test_hashes: {} };
    expect(await refused(() => c.sidecar('POST', '/api/v1/tasks/transition', transition(token, { evidence: badRun })), 400, 'invalid_body')).toMatchObject({
      path: 'evidence.test_runs[0].failed',
    });
    expect(await refused(() => c.sidecar('POST', '/api/v1/tasks/transition', transition(token, { artifacts: [] })), 400, 'invalid_body')).toMatchObject({ path: 'artifacts' });
    expect(await refused(() => c.sidecar('POST', `/api/v1/tasks/${taskId}/heartbeat`, { agent_id: null }), 400, 'invalid_body')).toMatchObject({ path: 'agent_id' });
  });

  it('refuses bad query parameters', async () => {
    await refused(() => c.admin('GET', '/api/v1/events?since=-1'), 400, 'invalid_request');
    await refused(() => c.admin('GET', '/api/v1/events?limit=abc'), 400, 'invalid_request');
  });

  it('refuses a snapshot without X-Phase-Token with 400 token_missing', async () => {
    await refused(() => c.sidecar('GET', '/api/v1/state/snapshot'), 400, 'token_missing');
  });
});

describe('413: oversized bodies', () => {
  it('refuses a body over 1 MiB, declared or chunked', async () => {
    const huge = JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) });
    await refused(() => c.admin('POST', '/api/v1/tasks', huge), 413, 'body_too_large');
    // Without Content-Length (a streamed body), the limit still cuts it off.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(100_000)));
        controller.close();
      },
    });
    await refused(async () => {
      const res = await fetch(`${c.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.adminKey}` },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      return { status: res.status, body: await res.json() };
    }, 413, 'body_too_large');
  });
});

describe('404 / 409: unknown ids and conflicts', () => {
  it('answers unknown ids and routes with 404 not_found', async () => {
    await refused(() => c.admin('GET', '/api/v1/tasks/no-such-task'), 404, 'not_found');
    await refused(() => c.admin('POST', '/api/v1/tasks/no-such-task/pause', { reason: 'x' }), 404, 'not_found');
    await refused(() => c.sidecar('POST', '/api/v1/tasks/no-such-task/heartbeat', { agent_id: 'a1' }), 404, 'not_found');
    await refused(() => c.admin('GET', '/api/v1/nothing-here'), 404, 'not_found');
    await refused(() => c.admin('DELETE', `/api/v1/tasks/${taskId}`), 404, 'not_found');
  });

  it('refuses claiming a task another agent holds with 409', async () => {
    const res = await refused(() => c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a2', task_id: taskId }), 409, 'task_not_claimable');
    expect(res.reason).toBe('task_not_claimable');
  });

  it('refuses a heartbeat or release from an agent that does not hold the claim', async () => {
    const hb = await c.sidecar('POST', `/api/v1/tasks/${taskId}/heartbeat`, { agent_id: 'intruder' });
    expect([403, 409]).toContain(hb.status);
    const before = await state();
    const rel = await c.sidecar('POST', `/api/v1/tasks/${taskId}/release`, { agent_id: 'intruder' });
    expect([403, 409]).toContain(rel.status);
    expect(await state()).toBe(before);
  });
});

describe('token problems', () => {
  it('refuses a forged token (payload edited, signature kept) with 403 token_invalid', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, phase: 'IMPL' })).toString('base64url'), s].join('.');
    await refused(() => c.sidecar('POST', '/api/v1/tasks/transition', transition(forged)), 403, 'token_invalid');
    await refused(() => c.sidecar('POST', '/api/v1/tokens/refresh', { phase_token: forged }), 403, 'token_invalid');
    await refused(() => c.sidecar('GET', '/api/v1/state/snapshot', undefined, { 'x-phase-token': 'garbage' }), 403, 'token_invalid');
  });

  it('refuses a token from an earlier phase with 409 token_superseded', async () => {
    const ok = await c.sidecar('POST', '/api/v1/tasks/transition', transition(token));
    expect(ok.body.allowed).toBe(true);
    await refused(() => c.sidecar('POST', '/api/v1/tasks/transition', transition(token, { current_phase: 'TDD', target_phase: 'IMPL' })), 409, 'token_superseded');
  });

  it('refuses a token from before a release (epoch bumped) with 409 token_superseded', async () => {
    await c.sidecar('POST', `/api/v1/tasks/${taskId}/release`, { agent_id: 'a1' });
    await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: taskId });
    await refused(() => c.sidecar('POST', '/api/v1/tasks/transition', transition(token)), 409, 'token_superseded');
  });
});

describe('token expiry (frozen clock)', () => {
  it('refuses an expired token with 403 token_expired', async () => {
    let t = Date.now();
    const clocked = await startTest({ now: () => t, env: { PHASEGATE_TOKEN_TTL: '60', PHASEGATE_LEASE_MS: '3600000' } });
    try {
      const id = (await clocked.admin('POST', '/api/v1/tasks', { title: 'T', acceptance_criteria: ['x'] })).body.task.id;
      const tok = (await clocked.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: id })).body.phase_token;
      t += 61_000;
      const res = await clocked.sidecar('POST', '/api/v1/tasks/transition', transition(tok));
      expect(res.status).toBe(403);
      expect(res.body.error.reason).toBe('token_expired');
      expect((await clocked.admin('GET', `/api/v1/tasks/${id}`)).body.task.phase).toBe('PLAN');
    } finally {
      await clocked.dispose();
    }
  });
});
