/** Approval park / approve / reject over HTTP, on a small contract with B → COMPLETE behind an approval. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CYCLE_CONTRACT, NO_EVIDENCE, startTest, type TestCoordinator } from './helpers.js';

let c: TestCoordinator;
beforeEach(async () => {
  c = await startTest({ contractText: CYCLE_CONTRACT });
});
afterEach(async () => {
  await c.dispose();
});

/** Claims a new task, moves it A → B, then asks for B → COMPLETE (parks it). */
async function park(): Promise<{ id: string; approvalId: string; token: string }> {
  const created = await c.admin('POST', '/api/v1/tasks', { title: 'T' });
  const id = created.body.task.id as string;
  const claimed = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: id });
  const step = (token: string, from: string, to: string) =>
    c.sidecar('POST', '/api/v1/tasks/transition', { current_phase: from, target_phase: to, phase_token: token, artifacts: {}, evidence: NO_EVIDENCE });
  const toB = await step(claimed.body.phase_token, 'A', 'B');
  expect(toB.body.allowed).toBe(true);
  const parked = await step(toB.body.new_token, 'B', 'COMPLETE');
  expect(parked.status).toBe(200);
  expect(parked.body).toMatchObject({ allowed: false, status: 'awaiting_approval' });
  expect(typeof parked.body.approval_id).toBe('string');
  return { id, approvalId: parked.body.approval_id, token: toB.body.new_token };
}

describe('approvals', () => {
  it('parks the task, lists the approval, and applies the transition on approve', async () => {
    const { id, approvalId } = await park();
    expect((await c.admin('GET', `/api/v1/tasks/${id}`)).body.task.status).toBe('awaiting_approval');
    const pending = await c.admin('GET', '/api/v1/approvals');
    expect(pending.body.approvals.map((a: { id: string }) => a.id)).toEqual([approvalId]);
    const approved = await c.admin('POST', `/api/v1/approvals/${approvalId}/approve`, { note: 'lgtm' });
    expect(approved.status).toBe(200);
    expect(approved.body.approval).toMatchObject({ id: approvalId, status: 'approved', note: 'lgtm' });
    const task = (await c.admin('GET', `/api/v1/tasks/${id}`)).body.task;
    expect(task.phase).toBe('COMPLETE');
    expect(task.status).toBe('completed');
    expect((await c.admin('GET', '/api/v1/approvals')).body.approvals).toEqual([]);
    expect((await c.admin('GET', '/api/v1/approvals?status=approved')).body.approvals).toHaveLength(1);
    // Deciding twice is a conflict and changes nothing.
    const again = await c.admin('POST', `/api/v1/approvals/${approvalId}/reject`, { reason: 'no' });
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('approval_not_pending');
    expect((await c.admin('GET', `/api/v1/tasks/${id}`)).body.task.phase).toBe('COMPLETE');
  });

  it('keeps the task in its phase with the reason as a blocker on reject', async () => {
    const { id, approvalId } = await park();
    const rejected = await c.admin('POST', `/api/v1/approvals/${approvalId}/reject`, { reason: 'needs docs' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.approval).toMatchObject({ status: 'rejected', reason: 'needs docs' });
    const task = (await c.admin('GET', `/api/v1/tasks/${id}`)).body.task;
    expect(task.phase).toBe('B');
    expect(task.status).toBe('claimed');
    expect(JSON.stringify(task.blockers)).toContain('needs docs');
  });

  it('requires a reason to reject and an existing approval id', async () => {
    const { approvalId } = await park();
    const noReason = await c.admin('POST', `/api/v1/approvals/${approvalId}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ reason: 'invalid_body', path: 'reason' });
    const unknown = await c.admin('POST', '/api/v1/approvals/nope/approve', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.reason).toBe('not_found');
    expect((await c.admin('GET', '/api/v1/approvals')).body.approvals).toHaveLength(1);
    const badFilter = await c.admin('GET', '/api/v1/approvals?status=maybe');
    expect(badFilter.status).toBe(400);
  });
});
