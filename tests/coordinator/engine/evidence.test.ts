/** Signed evidence: what passed each gate is kept, hashed into the event and the next token, and forms a checkable chain. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalSha256 } from '../../../core/contract/index.js';
import { buildEvidenceChain } from '../../../core/coordinator/evidence-chain.js';
import type { TaskRecord } from '../../../core/coordinator/types.js';
import { ART, evidence, HASHES, openHarness, run, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => (h = await openHarness()));
afterEach(async () => h.cleanup());

/** Walks T-1 to COMPLETE with reviewer `rev` and returns the tokens issued on the way. */
async function walk(): Promise<{ id: string; tokens: string[] }> {
  const { svc } = h;
  const task = await svc.createTask({ title: 'x', acceptance_criteria: ['works'] });
  const c = await svc.claim({ agent_id: 'agent-1' });
  const tdd = await svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
  const impl = await svc.transition({ current_phase: 'TDD', target_phase: 'IMPL', phase_token: tdd.new_token ?? '', artifacts: { tests: ART.tests }, evidence: evidence([run('TDD', 1, 2)]) });
  const review = await svc.transition({ current_phase: 'IMPL', target_phase: 'REVIEW', phase_token: impl.new_token ?? '', artifacts: { implementation: ART.implementation }, evidence: evidence([run('IMPL', 1, 0)]) });
  const r = await svc.claim({ agent_id: 'rev', capabilities: ['review'] });
  await svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: r.phase_token, artifacts: { review: ART.review }, evidence: evidence() });
  const parked = await svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: review.new_token ?? '', artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', 1, 0)]) });
  await svc.approve(parked.approval_id ?? '');
  return { id: task.id, tokens: [c.phase_token, tdd.new_token ?? '', impl.new_token ?? '', review.new_token ?? ''] };
}

describe('signed evidence', () => {
  it('each token carries its visit and the digest of the evidence that passed the gate into its phase; the event carries both', async () => {
    const { id, tokens } = await walk();
    const claims = await Promise.all(tokens.map((t) => h.verifier.verify(t)));
    expect(claims.map((c) => c.visit)).toEqual([0, 1, 2, 3]);
    const task = h.svc.getTask(id) as TaskRecord;
    expect(claims[0]?.evidence).toBeUndefined();
    expect(claims.slice(1).map((c) => c.evidence)).toEqual(task.history.slice(0, 3).map((e) => e.evidence_digest));
    for (const e of task.history) expect(canonicalSha256(e.evidence)).toBe(e.evidence_digest);
    const applied = h.svc.events(0, 1000).events.filter((e) => e.type === 'phase_transition_applied' && e.task_id === id);
    expect(applied.map((e) => e.data.evidence_digest)).toEqual(task.history.map((e) => e.evidence_digest));
    expect(applied.map((e) => e.seq)).toEqual(task.history.map((e) => e.event_seq));
    const [, toImpl, toReview, toComplete] = task.history;
    expect(toImpl?.evidence).toMatchObject({ gate: 'tests_fail_first', test_run: { id: 'c-TDD', failed: 2, visit: 1 }, test_lock: { action: 'locked', files: 2, sha256: canonicalSha256(HASHES) } });
    expect(toReview?.evidence).toMatchObject({ test_run: { id: 'c-IMPL', failed: 0 }, test_lock: { action: 'held', sha256: canonicalSha256(HASHES) } });
    expect(toComplete?.evidence).toMatchObject({ reviews: [{ agent_id: 'rev', verdict: 'approve', blocking: 0 }], approval: { id: toComplete?.approval_id } });
  });

  it('the chain of a completed task is complete; a tampered entry, a missing link or a self-review breaks it', async () => {
    const { id } = await walk();
    const task = h.svc.getTask(id) as TaskRecord;
    const children = (c: string) => h.svc.getTask(c);
    const chain = buildEvidenceChain(task, children);
    expect(chain.problems).toEqual([]);
    expect(chain.entries.flatMap((e) => e.links.map((l) => l.kind))).toEqual(['red_run', 'test_lock', 'green_run', 'test_lock', 'green_run', 'review', 'approval']);
    expect(chain.entries.every((e) => e.digest_ok)).toBe(true);

    const history = task.history.map((e) => ({ ...e }));
    const red = history[1];
    if (red?.evidence?.test_run === undefined) throw new Error('no red run');
    history[1] = { ...red, evidence: { ...red.evidence, test_run: { ...red.evidence.test_run, failed: 0 } } };
    expect(buildEvidenceChain({ ...task, history }, children).problems).toEqual([expect.stringMatching(/TDD → IMPL does not match its digest/)]);

    const otherLock = task.history.map((e) => (e.evidence?.test_lock?.action !== 'held' ? e : { ...e, evidence: { ...e.evidence, test_lock: { ...e.evidence.test_lock, sha256: 'f'.repeat(64) } } }));
    expect(buildEvidenceChain({ ...task, history: otherLock }, children).problems.join('\n')).toMatch(/held a different test lock/);

    const noApproval = task.history.map((e) => (e.approval_id === undefined ? e : { ...e, evidence: { ...e.evidence!, approval: undefined } }));
    expect(buildEvidenceChain({ ...task, history: noApproval }, children).problems).toContain('no approval after the review');

    const self = task.history.map((e) => (e.evidence?.reviews === undefined ? e : { ...e, evidence: { ...e.evidence, reviews: e.evidence.reviews.map((r) => ({ ...r, agent_id: 'agent-1' })) } }));
    expect(buildEvidenceChain({ ...task, history: self }, children).problems.join('\n')).toMatch(/review not independent/);
  });
});
