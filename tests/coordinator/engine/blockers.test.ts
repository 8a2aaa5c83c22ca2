/** A refused transition names every problem at once, keeps the task where it was, and is recorded. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ART, evidence, HASHES, openHarness, run, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => (h = await openHarness()));
afterEach(async () => h.cleanup());

async function claimedAt(phaseTarget: 'PLAN' | 'TDD' | 'IMPL'): Promise<{ id: string; token: string }> {
  const task = await h.svc.createTask({ title: 't' });
  let token = (await h.svc.claim({ agent_id: 'agent-1', task_id: task.id })).phase_token;
  const steps = [
    { from: 'PLAN', to: 'TDD', artifacts: { plan: ART.plan }, ev: evidence() },
    { from: 'TDD', to: 'IMPL', artifacts: { tests: ART.tests }, ev: evidence([run('TDD', 1, 1)]) },
  ];
  for (const s of steps) {
    if (s.from === phaseTarget) break;
    const r = await h.svc.transition({ current_phase: s.from, target_phase: s.to, phase_token: token, artifacts: s.artifacts, evidence: s.ev });
    token = r.new_token ?? '';
  }
  return { id: task.id, token };
}

describe('blocked transitions', () => {
  it('returns all blockers (missing artifact, unknown artifact, failed gate), stores them, emits one event, changes no phase', async () => {
    const { id, token } = await claimedAt('TDD');
    const before = h.svc.getTask(id);
    const r = await h.svc.transition({
      current_phase: 'TDD', target_phase: 'IMPL', phase_token: token,
      artifacts: { plan: { summary: '' }, bogus: {} }, evidence: evidence([run('TDD', 1, 0)]),
    });
    expect(r.allowed).toBe(false);
    const codes = r.blockers?.map((b) => b.code) ?? [];
    expect(codes).toEqual(expect.arrayContaining(['artifact_missing', 'artifact_unknown', 'artifact_invalid', 'tests_failing']));
    const after = h.svc.getTask(id);
    expect(after).toMatchObject({ phase: 'TDD', status: 'claimed', epoch: before?.epoch, history: before?.history, test_lock: null });
    expect(after?.blockers).toEqual(r.blockers);
    const last = h.svc.events(0).events.at(-1);
    expect(last).toMatchObject({ type: 'phase_transition_blocked', task_id: id, data: { from: 'TDD', to: 'IMPL', blockers: r.blockers } });
    expect((await h.svc.snapshot(token)).blockers).toEqual(r.blockers);
  });

  it('names the allowed targets when the transition does not exist', async () => {
    const { token } = await claimedAt('PLAN');
    const r = await h.svc.transition({ current_phase: 'PLAN', target_phase: 'IMPL', phase_token: token, artifacts: {}, evidence: evidence() });
    expect(r.blockers).toEqual([{ code: 'transition_not_defined', message: expect.stringContaining('TDD') as unknown as string, path: 'target_phase' }]);
  });

  it('blocks IMPL → REVIEW when a locked test file changed, was removed or was added', async () => {
    const { token } = await claimedAt('IMPL');
    const tampered = { 'tests/a.test.ts': 'f'.repeat(64), 'tests/new.test.ts': 'c'.repeat(64) };
    const r = await h.svc.transition({
      current_phase: 'IMPL', target_phase: 'REVIEW', phase_token: token,
      artifacts: { implementation: ART.implementation }, evidence: evidence([run('IMPL', 1, 0)], tampered),
    });
    expect(r.blockers?.map((b) => [b.code, b.path])).toEqual([
      ['tests_unchanged', undefined],
      ['tests_unchanged', 'tests/a.test.ts'],
      ['tests_unchanged', 'tests/b.test.ts'],
      ['tests_unchanged', 'tests/new.test.ts'],
    ]);
  });

  it('a blocking issue in the spawned review keeps the parent from completing; going back to IMPL starts a new review round', async () => {
    const { id, token } = await claimedAt('IMPL');
    const ev = evidence([run('IMPL', 1, 0)], HASHES);
    const inReview = await h.svc.transition({ current_phase: 'IMPL', target_phase: 'REVIEW', phase_token: token, artifacts: { implementation: ART.implementation }, evidence: ev });
    const reviewer = await h.svc.claim({ agent_id: 'rev', capabilities: ['review'] });
    await h.svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: reviewer.phase_token, artifacts: { review: ART.blockingReview }, evidence: evidence() });

    const blocked = await h.svc.transition({
      current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: inReview.new_token ?? '',
      artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', 1, 0)]),
    });
    expect(blocked.blockers?.map((b) => b.code)).toEqual(['no_blocking_issues']);

    const back = await h.svc.transition({ current_phase: 'REVIEW', target_phase: 'IMPL', phase_token: inReview.new_token ?? '', artifacts: { review: ART.blockingReview }, evidence: evidence() });
    expect(back).toMatchObject({ allowed: true, phase: 'IMPL' });
    // The green run of the first IMPL visit (visit 2) does not count in the second (visit 4).
    const stale = await h.svc.transition({ current_phase: 'IMPL', target_phase: 'REVIEW', phase_token: back.new_token ?? '', artifacts: { implementation: ART.implementation }, evidence: evidence([run('IMPL', 1, 0)]) });
    expect(stale.blockers?.map((b) => b.code)).toEqual(['tests_passing']);
    const again = await h.svc.transition({ current_phase: 'IMPL', target_phase: 'REVIEW', phase_token: back.new_token ?? '', artifacts: { implementation: ART.implementation }, evidence: evidence([run('IMPL', 1, 0, 4)]) });
    expect(again.allowed).toBe(true);
    expect(h.svc.getTask(id)?.spawned).toHaveLength(2);
    const reviewer2 = await h.svc.claim({ agent_id: 'rev', capabilities: ['review'] });
    await h.svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: reviewer2.phase_token, artifacts: { review: ART.review }, evidence: evidence() });
    const parked = await h.svc.transition({
      current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: again.new_token ?? '',
      artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', 1, 0, 5)]),
    });
    expect(parked).toMatchObject({ allowed: false, status: 'awaiting_approval' });
  });
});
