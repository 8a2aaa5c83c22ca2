/** Every JSON-RPC method of SPEC §5 and every notification, against a real coordinator. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSidecar } from '../../proxy/sidecar/index.js';
import { AGENT_KEY, PLAN, RawAgent, silent, startStack, walkToImpl, type Stack } from './stack.js';

let stack: Stack | undefined;
const extra: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of extra.splice(0)) await stop();
  await stack?.close();
  stack = undefined;
});

describe('sidecar methods', () => {
  it('task.claim forwards under the sidecar agent id and is idempotent while held', async () => {
    stack = await startStack();
    const taskId = await stack.addTask();
    const agent = await stack.connect();
    const first = await agent.ok('task.claim', { capabilities: [] });
    expect(first).toMatchObject({ phase: 'PLAN', task: { id: taskId } });
    expect(typeof first.token).toBe('string');
    expect(typeof first.lease_expires_at).toBe('string');
    const again = await agent.ok('task.claim', {});
    expect(again.task.id).toBe(taskId);
    expect(again.token).toBe(first.token);
    const { body } = await stack.admin('GET', `/api/v1/tasks/${taskId}`);
    expect(body.task.claim.agent_id).toBe('agent-1');
    const other = await agent.call('task.claim', { task_id: 'some-other-task' });
    expect(other.error?.data.reason).toBe('no_task');
  });

  it('task.claim with nothing claimable is -32010 no_task', async () => {
    stack = await startStack();
    const agent = await stack.connect();
    const r = await agent.call('task.claim', {});
    expect(r.error).toMatchObject({ code: -32010, data: { reason: 'no_task' } });
  });

  it('task.transition blocked, then allowed; task.status, state.snapshot, token.refresh, contract.describe', async () => {
    stack = await startStack();
    const taskId = await stack.addTask();
    const agent = await stack.connect();
    const claim = await agent.ok('task.claim');
    const described = await agent.ok('contract.describe', {});
    expect(described.phase).toBe('PLAN');
    expect(described.allowed_tools).toContain('write_file');
    expect(described.constraints.write_file.paths).toEqual(['docs/plans/**']);
    expect(described.transitions.map((t: { to: string }) => t.to)).toEqual(['TDD']);

    const blocked = await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: {} });
    expect(blocked.allowed).toBe(false);
    expect(blocked.blockers.length).toBeGreaterThan(0);
    expect(typeof blocked.blockers[0].code).toBe('string');

    const moved = await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } });
    expect(moved).toMatchObject({ allowed: true, phase: 'TDD' });
    const status = await agent.ok('task.status', { token: moved.token });
    expect(status).toMatchObject({ phase: 'TDD', status: 'claimed', task: { id: taskId } });
    expect(status.history.at(-1)).toMatchObject({ from: 'PLAN', to: 'TDD' });

    const snap = await agent.ok('state.snapshot', { token: moved.token });
    expect(snap).toHaveProperty('task_dependencies');
    expect(Array.isArray(snap.completed_tasks)).toBe(true);
    expect(Array.isArray(snap.blockers)).toBe(true);

    const refreshed = await agent.ok('token.refresh', { token: moved.token });
    expect(typeof refreshed.token).toBe('string');
    const list = await agent.ok('tool.call', { token: refreshed.token, tool: 'list_files', args: { path: 'src' } });
    expect(list.files).toEqual(['src/app.js']);

    // The PLAN token is superseded now, everywhere.
    const stale = await agent.call('state.snapshot', { token: claim.token });
    expect(stale.error).toMatchObject({ code: -32001, data: { reason: 'token_superseded' } });

    const records = await stack.audit();
    const transitions = records.filter((r) => r.type === 'transition');
    expect(transitions.map((r) => r.reason)).toEqual(['blocked', 'applied']);
    const cps = await stack.admin('GET', '/api/v1/checkpoints');
    expect(cps.body.checkpoints.some((c: { agent_id: string }) => c.agent_id === 'agent-1')).toBe(true);
  });

  it('the whole walk: approval lands as phase.changed with a COMPLETE token', async () => {
    stack = await startStack();
    const s = stack;
    const taskId = await s.addTask();
    const agent = await s.connect();
    const { token: implToken } = await walkToImpl(agent);
    await agent.ok('tool.call', { token: implToken, tool: 'edit_file', args: { path: 'src/app.js', old: 'a - b', new: 'a + b' } });
    const green = await agent.ok('tool.call', { token: implToken, tool: 'run_tests', args: {} });
    expect(green.exit_code).toBe(0);
    const review = await agent.ok('task.transition', { token: implToken, target_phase: 'REVIEW', artifacts: { implementation: { changed_files: ['src/app.js'], notes: 'fixed' } } });
    expect(review).toMatchObject({ allowed: true, phase: 'REVIEW' });

    // A reviewer behind its own sidecar completes the spawned review task.
    const reviewer = await startSidecar({
      coordinatorUrl: s.coordinator.url, agentId: 'reviewer-1', workspace: s.workspace, auditDir: join(s.auditDir, '..', 'audit-reviewer'),
      agentKey: AGENT_KEY, sidecarKey: s.coordinator.sidecarKey, env: s.env, logger: silent, capabilities: ['review'],
    });
    extra.push(() => reviewer.close());
    const rAgent = await RawAgent.connect(reviewer.url, AGENT_KEY);
    extra.push(async () => rAgent.close());
    const rClaim = await rAgent.ok('task.claim', { capabilities: ['review'] });
    expect(rClaim.task.parent_id).toBe(taskId);
    const done = await rAgent.ok('task.transition', { token: rClaim.token, target_phase: 'COMPLETE', artifacts: { review: { verdict: 'approve', issues: [] } } });
    expect(done.allowed).toBe(true);

    await agent.ok('tool.call', { token: review.token, tool: 'run_tests', args: {} });
    const asked = await agent.ok('task.transition', { token: review.token, target_phase: 'COMPLETE', artifacts: { completion: { changed_files: ['src/app.js'], summary: 'fixed add' } } });
    expect(asked).toMatchObject({ allowed: false, status: 'awaiting_approval' });
    expect((await agent.ok('task.status', { token: review.token })).status).toBe('awaiting_approval');

    const approved = await s.admin('POST', `/api/v1/approvals/${asked.approval_id}/approve`, { note: 'ok' });
    expect(approved.status).toBe(200);
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'phase.changed'));
    const changed = agent.notifications.find((n) => n.method === 'phase.changed');
    // COMPLETE is terminal: the coordinator ended the claim with it, so there is no new token.
    expect(changed?.params).toEqual({ phase: 'COMPLETE', token: null });
    const st = await agent.ok('task.status', { token: review.token });
    expect(st).toMatchObject({ phase: 'COMPLETE', status: 'completed' });
    expect(st.history.at(-1)).toMatchObject({ from: 'REVIEW', to: 'COMPLETE', approval_id: asked.approval_id });
    const old = await agent.call('tool.call', { token: review.token, tool: 'read_file', args: { path: 'README.md' } });
    expect(old.error?.data.reason).toBe('token_superseded');
    // The session is over; the next claim looks for a new task.
    expect((await agent.call('task.claim', {})).error?.data.reason).toBe('no_task');
    expect((await s.audit()).some((r) => r.type === 'transition' && r.reason === 'approved')).toBe(true);
  });

  it('task.paused / task.resumed: calls refused with task_paused meanwhile', async () => {
    stack = await startStack();
    const taskId = await stack.addTask();
    const agent = await stack.connect();
    const { token } = await agent.ok('task.claim');
    expect((await stack.admin('POST', `/api/v1/tasks/${taskId}/pause`, { reason: 'lunch' })).status).toBe(200);
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'task.paused'));
    expect(agent.notifications.find((n) => n.method === 'task.paused')?.params).toEqual({ reason: 'lunch' });
    const refused = await agent.call('tool.call', { token, tool: 'read_file', args: { path: 'README.md' } });
    expect(refused.error).toMatchObject({ code: -32010, data: { reason: 'task_paused' } });
    await stack.admin('POST', `/api/v1/tasks/${taskId}/resume`, {});
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'task.resumed'));
    const read = await agent.ok('tool.call', { token, tool: 'read_file', args: { path: 'README.md' } });
    expect(read.content).toBe('# fixture\n');
  });

  it('lease.lost when the task is released; later calls get lease_lost', async () => {
    stack = await startStack();
    const taskId = await stack.addTask();
    const agent = await stack.connect();
    const { token } = await agent.ok('task.claim');
    expect((await stack.admin('POST', `/api/v1/tasks/${taskId}/release`, {})).status).toBe(200);
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'lease.lost'));
    const r = await agent.call('tool.call', { token, tool: 'read_file', args: { path: 'README.md' } });
    expect(r.error).toMatchObject({ code: -32010, data: { reason: 'lease_lost' } });
    const records = await stack.audit();
    expect(records.some((x) => x.type === 'session' && x.reason === 'lease_lost')).toBe(true);
    expect(records.at(-1)).toMatchObject({ type: 'call', decision: 'deny', reason: 'lease_lost' });
  });

  it('lease expiry ends the session; claiming again starts a new one', async () => {
    stack = await startStack({ coordinatorEnv: { PHASEGATE_LEASE_MS: '300' }, sidecar: { heartbeatMs: 60_000 } });
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await agent.ok('task.claim');
    await new Promise((r) => setTimeout(r, 400));
    await stack.coordinator.service.expireLeases();
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'lease.lost'));
    const r = await agent.call('tool.call', { token, tool: 'read_file', args: { path: 'README.md' } });
    expect(r.error?.data.reason).toBe('lease_lost');
    // A new claim starts a new session (new epoch); the old token stays refused.
    const again = await agent.ok('task.claim');
    expect(again.token).not.toBe(token);
    const stale = await agent.call('tool.call', { token, tool: 'read_file', args: { path: 'README.md' } });
    expect(stale.error?.data.reason).toBe('token_superseded');
  });

  it('session records mark start and stop', async () => {
    stack = await startStack();
    const dir = stack.auditDir;
    await stack.sidecar.close();
    const text = await readFile(join(dir, 'tool_audit.jsonl'), 'utf8');
    const reasons = text.trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'session').map((r) => r.reason);
    expect(reasons).toEqual(['sidecar_started', 'sidecar_stopped']);
  });
});
