/** Every route's happy path over real HTTP, against the repo's own agent_workflow.yaml. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_EVIDENCE, PLAN, startTest, type TestCoordinator } from './helpers.js';

let c: TestCoordinator;
beforeEach(async () => {
  c = await startTest();
});
afterEach(async () => {
  await c.dispose();
});

async function createAndClaim(agent = 'agent-1') {
  const created = await c.admin('POST', '/api/v1/tasks', { title: 'T', acceptance_criteria: ['works'] });
  const claimed = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: agent, task_id: created.body.task.id });
  expect(claimed.status).toBe(200);
  return { id: created.body.task.id as string, token: claimed.body.phase_token as string, epoch: claimed.body.task.epoch as number };
}

describe('task routes (admin)', () => {
  it('creates, lists and shows tasks', async () => {
    const created = await c.admin('POST', '/api/v1/tasks', {
      title: 'Add login',
      description: 'd',
      acceptance_criteria: ['a user can log in'],
      priority: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body.task).toMatchObject({ title: 'Add login', phase: 'PLAN', status: 'pending', priority: 5 });
    const list = await c.admin('GET', '/api/v1/tasks');
    expect(list.status).toBe(200);
    expect(list.body.tasks.map((t: { id: string }) => t.id)).toEqual([created.body.task.id]);
    const one = await c.admin('GET', `/api/v1/tasks/${created.body.task.id}`);
    expect(one.status).toBe(200);
    expect(one.body.task.id).toBe(created.body.task.id);
    expect(Array.isArray(one.body.task.history)).toBe(true);
  });

  it('pauses and resumes a task', async () => {
    const { id } = await createAndClaim();
    const paused = await c.admin('POST', `/api/v1/tasks/${id}/pause`, { reason: 'maintenance' });
    expect(paused.status).toBe(200);
    expect(paused.body.task.status).toBe('paused');
    const resumed = await c.admin('POST', `/api/v1/tasks/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.task.status).not.toBe('paused');
  });
});

describe('agent routes (sidecar)', () => {
  it('claims with a token and lease; a second claim of nothing is 404 no_task', async () => {
    const created = await c.admin('POST', '/api/v1/tasks', { title: 'T' });
    const claimed = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1' });
    expect(claimed.status).toBe(200);
    expect(claimed.body.task.id).toBe(created.body.task.id);
    expect(typeof claimed.body.phase_token).toBe('string');
    expect(Date.parse(claimed.body.lease_expires_at)).toBeGreaterThan(Date.now());
    const none = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a2' });
    expect(none.status).toBe(404);
    expect(none.body.error.reason).toBe('no_task');
  });

  it('gives each of 10 tasks to exactly one of 50 concurrent claimers', async () => {
    for (let i = 0; i < 10; i++) await c.admin('POST', '/api/v1/tasks', { title: `T${i}` });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: `racer-${i}` })));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(10);
    expect(new Set(won.map((a) => a.body.task.id)).size).toBe(10);
    expect(answers.filter((a) => a.status === 404 && a.body.error.reason === 'no_task')).toHaveLength(40);
    const tasks = (await c.admin('GET', '/api/v1/tasks')).body.tasks;
    expect(tasks.every((t: { status: string }) => t.status === 'claimed')).toBe(true);
  });

  it('applies an allowed transition and returns all blockers of a refused one', async () => {
    const { id, token } = await createAndClaim();
    const blocked = await c.sidecar('POST', '/api/v1/tasks/transition', {
      current_phase: 'PLAN',
      target_phase: 'TDD',
      phase_token: token,
      artifacts: { plan: { summary: 'x', acceptance_criteria: [], steps: [] } },
      evidence: NO_EVIDENCE,
    });
    expect(blocked.status).toBe(200);
    expect(blocked.body.allowed).toBe(false);
    expect(blocked.body.blockers.map((b: { code: string }) => b.code)).toContain('has_acceptance_criteria');
    const ok = await c.sidecar('POST', '/api/v1/tasks/transition', {
      current_phase: 'PLAN',
      target_phase: 'TDD',
      phase_token: token,
      artifacts: { plan: PLAN },
      evidence: NO_EVIDENCE,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.allowed).toBe(true);
    expect(typeof ok.body.new_token).toBe('string');
    const task = await c.admin('GET', `/api/v1/tasks/${id}`);
    expect(task.body.task.phase).toBe('TDD');
    expect(task.body.task.history.at(-1)).toMatchObject({ from: 'PLAN', to: 'TDD' });
  });

  it('extends the lease, refreshes the token, serves a snapshot, and releases', async () => {
    const { id, token, epoch } = await createAndClaim('a1');
    const hb = await c.sidecar('POST', `/api/v1/tasks/${id}/heartbeat`, { agent_id: 'a1' });
    expect(hb.status).toBe(200);
    expect(typeof hb.body.lease_expires_at).toBe('string');
    const refreshed = await c.sidecar('POST', '/api/v1/tokens/refresh', { phase_token: token });
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.phase_token).toBe('string');
    const snap = await c.sidecar('GET', '/api/v1/state/snapshot', undefined, { 'x-phase-token': refreshed.body.phase_token });
    expect(snap.status).toBe(200);
    expect(snap.body).toHaveProperty('task_dependencies');
    expect(snap.body).toHaveProperty('completed_tasks');
    expect(snap.body).toHaveProperty('blockers');
    const released = await c.sidecar('POST', `/api/v1/tasks/${id}/release`, { agent_id: 'a1' });
    expect(released.status).toBe(200);
    expect(released.body.task.status).toBe('pending');
    expect(released.body.task.epoch).toBeGreaterThan(epoch);
  });

  it('lets an admin release any claim without naming the agent', async () => {
    const { id } = await createAndClaim('a1');
    const before = (await c.admin('GET', `/api/v1/tasks/${id}`)).body.task.epoch;
    const released = await c.admin('POST', `/api/v1/tasks/${id}/release`);
    expect(released.status).toBe(200);
    expect(released.body.task.claim).toBeNull();
    expect(released.body.task.epoch).toBeGreaterThan(before);
  });

  it('records and serves audit checkpoints', async () => {
    const posted = await c.sidecar('POST', '/api/v1/checkpoints', { agent_id: 'a1', task_id: null, seq: 7, hash: 'ab'.repeat(32) });
    expect(posted.status).toBe(201);
    const mine = await c.sidecar('GET', '/api/v1/checkpoints?agent=a1');
    expect(mine.body.checkpoints).toContainEqual(expect.objectContaining({ agent_id: 'a1', seq: 7 }));
    const other = await c.admin('GET', '/api/v1/checkpoints?agent=nobody');
    expect(other.body.checkpoints).toEqual([]);
  });
});

describe('read routes', () => {
  it('serves the contract with its sha256, to sidecar and admin', async () => {
    const res = await c.sidecar('GET', '/api/v1/contract');
    expect(res.status).toBe(200);
    expect(res.body.contract.version).toBe(1);
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await c.admin('GET', '/api/v1/contract')).status).toBe(200);
  });

  it('publishes the Ed25519 public key, without the private part, to anyone', async () => {
    const res = await c.anon('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(res.body.keys[0]).not.toHaveProperty('d');
  });

  it('answers healthz and metrics without a key', async () => {
    expect((await c.anon('GET', '/healthz')).body).toEqual({ ok: true });
    await createAndClaim();
    await c.anon('GET', `/api/v1/tasks/x`);
    const res = await c.anon('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const name of ['phasegate_http_requests_total', 'phasegate_transitions_total', 'phasegate_claim_duration_seconds', 'phasegate_open_tasks']) {
      expect(res.body).toContain(name);
    }
    // Route templates, never raw ids, label the request counter.
    expect(res.body).toContain('route="/api/v1/tasks/:id"');
    expect(res.body).toMatch(/phasegate_open_tasks\{status="claimed"\} 1/);
    expect(res.body).toMatch(/phasegate_claim_duration_seconds_count 1/);
  });

  it('counts every request under its method, route template and status', async () => {
    const { id } = await createAndClaim();
    for (let i = 0; i < 3; i++) await c.anon('GET', `/api/v1/tasks/${id}`);
    for (let i = 0; i < 2; i++) await c.admin('GET', `/api/v1/tasks/${id}`);
    const body = (await c.anon('GET', '/metrics')).body as string;
    expect(body).toContain('phasegate_http_requests_total{method="GET",route="/api/v1/tasks/:id",status="401"} 3');
    expect(body).toContain('phasegate_http_requests_total{method="GET",route="/api/v1/tasks/:id",status="200"} 2');
  });
});
