/** Approval transitions park the task; approve applies the parked transition, reject leaves the task where it was. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalContract, evidence, HASHES, openHarness, reasonOf, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => (h = await openHarness({ contract: approvalContract() })));
afterEach(async () => h.cleanup());

async function park(): Promise<{ id: string; token: string; approvalId: string }> {
  const task = await h.svc.createTask({ title: 'needs a human' });
  const { phase_token: token } = await h.svc.claim({ agent_id: 'agent-1' });
  const r = await h.svc.transition({ current_phase: 'A', target_phase: 'B', phase_token: token, artifacts: {}, evidence: evidence([], HASHES) });
  expect(r).toEqual({ allowed: false, status: 'awaiting_approval', approval_id: 'A-1' });
  return { id: task.id, token, approvalId: r.approval_id ?? '' };
}

describe('approvals', () => {
  it('parks: awaiting_approval, a pending record, and further transitions are refused with approval_pending', async () => {
    const { id, token, approvalId } = await park();
    expect(h.svc.getTask(id)).toMatchObject({ status: 'awaiting_approval', phase: 'A', pending_approval_id: approvalId });
    expect(h.svc.listApprovals()).toMatchObject([{ id: approvalId, task_id: id, from: 'A', to: 'B', status: 'pending', requested_by: 'agent-1' }]);
    const again = await h.svc.transition({ current_phase: 'A', target_phase: 'B', phase_token: token, artifacts: {}, evidence: evidence() });
    expect(again.blockers?.map((b) => b.code)).toEqual(['approval_pending']);
    // Leases do not run while a human decides.
    h.advance(10 * 60_000);
    expect(await h.svc.expireLeases()).toBe(0);
  });

  it('approve applies the transition with its triggers; refresh then hands out a token for the new phase', async () => {
    const { id, token, approvalId } = await park();
    const decided = await h.svc.approve(approvalId, 'ok');
    expect(decided).toMatchObject({ status: 'approved', note: 'ok', decided_at: expect.any(String) as unknown as string });
    expect(h.svc.getTask(id)).toMatchObject({ phase: 'B', status: 'claimed', pending_approval_id: null, test_lock: HASHES });
    expect(h.svc.getTask(id)?.history.at(-1)).toMatchObject({ from: 'A', to: 'B', approval_id: approvalId, agent_id: 'agent-1' });
    const types = h.svc.events(0).events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(['approval_decided', 'phase_transition_applied']);

    // The A-phase token cannot move the task any more, but refresh (same claim) returns a B token.
    expect(await reasonOf(h.svc.transition({ current_phase: 'A', target_phase: 'B', phase_token: token, artifacts: {}, evidence: evidence() }))).toBe('token_superseded');
    const fresh = await h.svc.refresh(token);
    const claims = await h.verifier.verify(fresh);
    expect(claims).toMatchObject({ phase: 'B', epoch: 1, sub: 'agent-1', allowed_tools: ['read_file', 'run_tests'] });
    const done = await h.svc.transition({ current_phase: 'B', target_phase: 'C', phase_token: fresh, artifacts: {}, evidence: evidence() });
    expect(done).toMatchObject({ allowed: true, phase: 'C' });
    expect(h.svc.getTask(id)?.status).toBe('completed');
  });

  it('reject keeps the phase, returns the task to its holder with the reason as blocker', async () => {
    const { id, token, approvalId } = await park();
    const decided = await h.svc.reject(approvalId, 'not like this');
    expect(decided).toMatchObject({ status: 'rejected', reason: 'not like this' });
    expect(h.svc.getTask(id)).toMatchObject({
      phase: 'A', status: 'claimed', pending_approval_id: null, blockers: [{ code: 'approval_rejected', message: 'not like this' }],
    });
    expect(h.svc.events(0).events.at(-1)).toMatchObject({ type: 'approval_decided', data: { approval_id: approvalId, decision: 'rejected', reason: 'not like this' } });
    // The same token still works: the agent can fix things and ask again.
    const again = await h.svc.transition({ current_phase: 'A', target_phase: 'B', phase_token: token, artifacts: {}, evidence: evidence() });
    expect(again).toMatchObject({ status: 'awaiting_approval', approval_id: 'A-2' });
  });

  it('a decided approval cannot be decided again; unknown ids are not_found; both change nothing', async () => {
    const { id, approvalId } = await park();
    await h.svc.approve(approvalId);
    const before = { task: h.svc.getTask(id), events: h.svc.events(0).events.length };
    expect(await reasonOf(h.svc.approve(approvalId))).toBe('approval_not_pending');
    expect(await reasonOf(h.svc.reject(approvalId, 'late'))).toBe('approval_not_pending');
    expect(await reasonOf(h.svc.approve('A-99'))).toBe('not_found');
    expect(await reasonOf(h.svc.reject(approvalId, ''))).toBe('invalid_body');
    expect({ task: h.svc.getTask(id), events: h.svc.events(0).events.length }).toEqual(before);
  });

  it('an awaiting task cannot be released until the approval is decided', async () => {
    const { id } = await park();
    expect(await reasonOf(h.svc.release(id, null))).toBe('conflict');
  });
});
