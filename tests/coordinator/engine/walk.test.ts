/** The full default workflow, PLAN → COMPLETE, with evidence, a spawned review task and a human approval. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ART, evidence, HASHES, openHarness, reasonOf, run, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => (h = await openHarness()));
afterEach(async () => h.cleanup());

describe('PLAN → COMPLETE', () => {
  it('walks every phase, spawns and uses a review, parks for approval, and completes', async () => {
    const { svc } = h;
    const task = await svc.createTask({ title: 'Add a thing', acceptance_criteria: ['works'] });
    expect(task).toMatchObject({ id: 'T-1', phase: 'PLAN', status: 'pending', epoch: 0, workflow: 'default' });

    const c = await svc.claim({ agent_id: 'agent-1' });
    expect(c.task).toMatchObject({ id: task.id, status: 'claimed', epoch: 1, claim: { agent_id: 'agent-1' } });
    const claims = await h.verifier.verify(c.phase_token);
    expect(claims).toMatchObject({ sub: 'agent-1', task_id: task.id, phase: 'PLAN', epoch: 1, contract: h.contract.sha256 });
    expect(claims.allowed_tools).toEqual(['edit_file', 'list_files', 'read_file', 'search', 'write_file']);

    const toTdd = await svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
    expect(toTdd).toMatchObject({ allowed: true, phase: 'TDD' });
    const tddToken = toTdd.new_token ?? '';
    expect((await h.verifier.verify(tddToken)).phase).toBe('TDD');

    const toImpl = await svc.transition({
      current_phase: 'TDD', target_phase: 'IMPL', phase_token: tddToken,
      artifacts: { tests: ART.tests }, evidence: evidence([run('TDD', 1, 2)]),
    });
    expect(toImpl).toMatchObject({ allowed: true, phase: 'IMPL' });
    expect(svc.getTask(task.id)?.test_lock).toEqual(HASHES);

    const toReview = await svc.transition({
      current_phase: 'IMPL', target_phase: 'REVIEW', phase_token: toImpl.new_token ?? '',
      artifacts: { implementation: ART.implementation }, evidence: evidence([run('TDD', 1, 2), run('IMPL', 1, 0)]),
    });
    expect(toReview).toMatchObject({ allowed: true, phase: 'REVIEW' });
    const parent = svc.getTask(task.id);
    expect(parent?.spawned).toHaveLength(1);
    const childId = parent?.spawned[0] ?? '';
    expect(svc.getTask(childId)).toMatchObject({
      title: `Review ${task.id}`, workflow: 'review', phase: 'REVIEW', status: 'pending', parent_id: task.id, required_capabilities: ['review'],
    });

    // The review task is only for agents offering `review`.
    expect(await reasonOf(svc.claim({ agent_id: 'agent-2' }))).toBe('no_task');
    const reviewer = await svc.claim({ agent_id: 'reviewer', capabilities: ['review'] });
    expect(reviewer.task.id).toBe(childId);

    // Until the review is done, the parent cannot finish.
    const early = await svc.transition({
      current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: toReview.new_token ?? '',
      artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', 1, 0)]),
    });
    expect(early.allowed).toBe(false);
    expect(early.blockers?.map((b) => b.code)).toEqual(['reviews_complete']);

    const reviewed = await svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: reviewer.phase_token, artifacts: { review: ART.review }, evidence: evidence() });
    expect(reviewed).toMatchObject({ allowed: true, phase: 'COMPLETE' });
    expect(svc.getTask(childId)).toMatchObject({ status: 'completed', claim: null });

    const parked = await svc.transition({
      current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: toReview.new_token ?? '',
      artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', 1, 0)]),
    });
    expect(parked).toMatchObject({ allowed: false, status: 'awaiting_approval' });
    expect(svc.getTask(task.id)).toMatchObject({ status: 'awaiting_approval', phase: 'REVIEW', pending_approval_id: parked.approval_id });
    expect(svc.listApprovals('pending').map((a) => a.id)).toEqual([parked.approval_id]);

    const decided = await svc.approve(parked.approval_id ?? '', 'ship it');
    expect(decided).toMatchObject({ status: 'approved', note: 'ship it' });
    const done = svc.getTask(task.id);
    expect(done).toMatchObject({ phase: 'COMPLETE', status: 'completed', claim: null, pending_approval_id: null });
    expect(done?.history.map((e) => `${e.from}->${e.to}`)).toEqual(['PLAN->TDD', 'TDD->IMPL', 'IMPL->REVIEW', 'REVIEW->COMPLETE']);
    expect(done?.history.at(-1)?.approval_id).toBe(parked.approval_id);
    expect(Object.keys(done?.artifacts ?? {}).sort()).toEqual(['completion', 'implementation', 'plan', 'tests']);

    const log = svc.events(0, 1000).events;
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((e) => e.task_id === task.id).map((e) => e.type)).toEqual([
      'task_created', 'task_claimed',
      'phase_transition_applied', 'phase_transition_applied', 'phase_transition_applied', 'task_spawned',
      'phase_transition_blocked', 'approval_requested', 'approval_decided', 'phase_transition_applied',
    ]);
    expect(await svc.snapshot(reviewer.phase_token).catch((e: { code: string }) => e.code)).toBe('token_superseded');
  });
});
