/** Attacks and bad input: each is refused with its reason code and leaves the task and the event log untouched. */
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIssuer } from '../../../core/tokens/index.js';
import { ART, evidence, openHarness, reasonOf, SECRET, snapshotOf, type Harness } from './harness.js';

let h: Harness;
let taskId: string;
let token: string;
beforeEach(async () => {
  h = await openHarness();
  taskId = (await h.svc.createTask({ title: 't' })).id;
  token = (await h.svc.claim({ agent_id: 'agent-1' })).phase_token;
});
afterEach(async () => h.cleanup());

const toTdd = (phase_token: string, current_phase = 'PLAN') => ({ current_phase, target_phase: 'TDD', phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });

/** Runs `attack`, expects `code`, and checks that nothing changed. */
async function refusedWithoutChange(attack: () => Promise<unknown>, code: string): Promise<void> {
  const before = snapshotOf(h.svc, taskId);
  expect(await reasonOf(attack())).toBe(code);
  expect(snapshotOf(h.svc, taskId)).toEqual(before);
}

describe('token attacks', () => {
  it('a token signed with another key (forged) is token_invalid', async () => {
    const forger = createIssuer({ alg: 'HS256', secret: new TextEncoder().encode('not-the-coordinator-secret-at-all-000000') }, { ttlSeconds: 60, now: h.now });
    const claims = await h.verifier.verify(token);
    const forged = await forger.issue({ ...claims });
    await refusedWithoutChange(() => h.svc.transition(toTdd(forged)), 'token_invalid');
    await refusedWithoutChange(() => h.svc.refresh(forged), 'token_invalid');
  });

  it('a token whose payload was edited (phase swapped) is token_invalid', async () => {
    const [head, body, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    const edited = `${head}.${Buffer.from(JSON.stringify({ ...payload, phase: 'IMPL' })).toString('base64url')}.${sig}`;
    await refusedWithoutChange(() => h.svc.transition({ ...toTdd(edited), current_phase: 'IMPL', target_phase: 'REVIEW' }), 'token_invalid');
  });

  it('alg=none and a different algorithm are refused', async () => {
    const claims = await h.verifier.verify(token);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    await refusedWithoutChange(() => h.svc.transition(toTdd(none)), 'token_invalid');
    const hs512 = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS512' }).sign(new Uint8Array([...SECRET, ...SECRET]));
    await refusedWithoutChange(() => h.svc.transition(toTdd(hs512)), 'token_invalid');
  });

  it('an expired token is token_expired; a missing one token_missing', async () => {
    h.advance(7201 * 1000);
    await refusedWithoutChange(() => h.svc.transition(toTdd(token)), 'token_expired');
    await refusedWithoutChange(() => h.svc.transition(toTdd('')), 'token_missing');
    await refusedWithoutChange(() => h.svc.snapshot(''), 'token_missing');
  });

  it('a token from an earlier claim (after release and another agent’s claim) is token_superseded', async () => {
    await h.svc.release(taskId, 'agent-1');
    await h.svc.claim({ agent_id: 'agent-2' });
    await refusedWithoutChange(() => h.svc.transition(toTdd(token)), 'token_superseded');
    await refusedWithoutChange(() => h.svc.refresh(token), 'token_superseded');
    await refusedWithoutChange(() => h.svc.snapshot(token), 'token_superseded');
  });

  it('a validly signed token naming another agent, epoch or contract is token_superseded', async () => {
    const claims = await h.verifier.verify(token);
    for (const grant of [{ ...claims, sub: 'agent-2' }, { ...claims, epoch: 2 }, { ...claims, contract: 'b'.repeat(64) }]) {
      const other = await h.issuer.issue(grant);
      await refusedWithoutChange(() => h.svc.transition(toTdd(other)), 'token_superseded');
    }
  });

  it('the previous phase’s token cannot move the task again, nor can a lie about the current phase', async () => {
    const moved = await h.svc.transition(toTdd(token));
    expect(moved.allowed).toBe(true);
    await refusedWithoutChange(() => h.svc.transition(toTdd(token)), 'token_superseded');
    await refusedWithoutChange(() => h.svc.transition({ ...toTdd(moved.new_token ?? ''), current_phase: 'PLAN' }), 'token_superseded');
  });
});

describe('bad input', () => {
  it('createTask refuses bad bodies and unknown dependencies', async () => {
    const before = h.svc.events(0).events.length;
    expect(await reasonOf(h.svc.createTask({ title: '' }))).toBe('invalid_body');
    expect(await reasonOf(h.svc.createTask({ title: 42 } as never))).toBe('invalid_body');
    expect(await reasonOf(h.svc.createTask({ title: 'x', workflow: 'nope' }))).toBe('invalid_body');
    expect(await reasonOf(h.svc.createTask({ title: 'x', priority: 1.5 }))).toBe('invalid_body');
    expect(await reasonOf(h.svc.createTask({ title: 'x', depends_on: ['T-404'] }))).toBe('not_found');
    expect(h.svc.listTasks()).toHaveLength(1);
    expect(h.svc.events(0).events).toHaveLength(before);
  });

  it('transition refuses malformed evidence and artifacts before looking at the token', async () => {
    await refusedWithoutChange(() => h.svc.transition({ ...toTdd(token), evidence: { test_runs: 'x' } } as never), 'invalid_body');
    await refusedWithoutChange(() => h.svc.transition({ ...toTdd(token), evidence: { test_runs: [{ phase: 'PLAN' }], test_hashes: {} } } as never), 'invalid_body');
    await refusedWithoutChange(() => h.svc.transition({ ...toTdd(token), artifacts: [] } as never), 'invalid_body');
    await refusedWithoutChange(() => h.svc.transition({ ...toTdd(token), evidence: { ...evidence(), audit_head: { seq: 1, hash: 'zz' } } }), 'invalid_body');
    await refusedWithoutChange(() => h.svc.claim({ agent_id: '' }), 'invalid_body');
  });

  it('pause/resume refuse the wrong state', async () => {
    await refusedWithoutChange(() => h.svc.resume(taskId), 'conflict');
    await refusedWithoutChange(() => h.svc.pause('T-404', 'x'), 'not_found');
  });
});
