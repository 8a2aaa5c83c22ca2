/** Leases on a frozen clock: expiry bumps the epoch (old tokens die), heartbeats extend, pauses stop the clock. */
import { afterEach, describe, expect, it } from 'vitest';
import type { CoordEvent } from '../../../core/coordinator/types.js';
import { ART, evidence, openHarness, reasonOf, type Harness } from './harness.js';

const LEASE = 60_000;
let h: Harness;
afterEach(async () => h.cleanup());

describe('leases', () => {
  it('an expired lease makes the task claimable again in its phase, with a new epoch; the old token is dead', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    const first = await h.svc.claim({ agent_id: 'agent-1' });
    const moved = await h.svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: first.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
    const token = moved.new_token ?? '';

    h.advance(LEASE + 1);
    // Before the sweep runs the holder already counts as gone.
    expect(await reasonOf(h.svc.heartbeat(task.id, 'agent-1'))).toBe('lease_lost');
    expect(await reasonOf(h.svc.transition({ current_phase: 'TDD', target_phase: 'IMPL', phase_token: token, artifacts: {}, evidence: evidence() }))).toBe('lease_lost');

    expect(await h.svc.expireLeases()).toBe(1);
    expect(h.svc.getTask(task.id)).toMatchObject({ status: 'pending', phase: 'TDD', epoch: 2, claim: null });
    expect(h.svc.events(0).events.at(-1)).toMatchObject({ type: 'lease_expired', task_id: task.id, data: { agent_id: 'agent-1', epoch: 2 } });
    expect(await reasonOf(h.svc.refresh(token))).toBe('token_superseded');
    expect(await reasonOf(h.svc.transition({ current_phase: 'TDD', target_phase: 'IMPL', phase_token: token, artifacts: {}, evidence: evidence() }))).toBe('token_superseded');

    const second = await h.svc.claim({ agent_id: 'agent-2' });
    expect(second.task).toMatchObject({ id: task.id, phase: 'TDD', epoch: 3 });
    expect(await h.svc.expireLeases()).toBe(0);
  });

  it('a claim takes over an overdue task before the sweep ran (expiry and claim both recorded)', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    await h.svc.claim({ agent_id: 'agent-1' });
    h.advance(LEASE);
    const c = await h.svc.claim({ agent_id: 'agent-2' });
    expect(c.task).toMatchObject({ id: task.id, epoch: 3, claim: { agent_id: 'agent-2' } });
    expect(h.svc.events(0).events.slice(-2).map((e) => e.type)).toEqual(['lease_expired', 'task_claimed']);
  });

  it('heartbeats extend the lease; only the holder may heartbeat', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    await h.svc.claim({ agent_id: 'agent-1' });
    h.advance(40_000);
    const hb = await h.svc.heartbeat(task.id, 'agent-1');
    expect(hb.lease_expires_at).toBe(new Date(h.now() + LEASE).toISOString());
    h.advance(40_000);
    expect(await h.svc.expireLeases()).toBe(0);
    expect(await reasonOf(h.svc.heartbeat(task.id, 'intruder'))).toBe('lease_lost');
    expect(await reasonOf(h.svc.heartbeat('T-404', 'agent-1'))).toBe('not_found');
    expect(h.svc.getTask(task.id)?.claim?.lease_expires_at).toBe(hb.lease_expires_at);
  });

  it('a paused task keeps its claim and no lease runs; resume restarts the lease', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    const c = await h.svc.claim({ agent_id: 'agent-1' });
    await h.svc.pause(task.id, 'hold on');
    const refused = await h.svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
    expect(refused.blockers?.map((b) => b.code)).toEqual(['task_paused']);
    h.advance(5 * LEASE);
    expect(await h.svc.expireLeases()).toBe(0);
    const resumed = await h.svc.resume(task.id);
    expect(resumed).toMatchObject({ status: 'claimed', claim: { agent_id: 'agent-1', lease_expires_at: new Date(h.now() + LEASE).toISOString() } });
    expect(h.svc.events(0).events.slice(-2).map((e) => [e.type, e.data])).toEqual([['task_paused', { reason: 'hold on' }], ['task_resumed', {}]]);
    const ok = await h.svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
    expect(ok.allowed).toBe(true);
  });

  it('release gives the task back with a new epoch; an agent may only release its own claim', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    const c = await h.svc.claim({ agent_id: 'agent-1' });
    expect(await reasonOf(h.svc.release(task.id, 'agent-2'))).toBe('lease_lost');
    const released = await h.svc.release(task.id, 'agent-1');
    expect(released).toMatchObject({ status: 'pending', claim: null, epoch: 2 });
    expect(h.svc.events(0).events.at(-1)).toMatchObject({ type: 'task_released', data: { agent_id: 'agent-1', epoch: 2 } });
    expect(await reasonOf(h.svc.release(task.id, null))).toBe('task_not_claimed');
    expect(await reasonOf(h.svc.refresh(c.phase_token))).toBe('token_superseded');
  });

  it('the internal timer expires leases by itself (clock frozen, timer real)', async () => {
    h = await openHarness({ leaseMs: LEASE, leaseCheckMs: 10 });
    const task = await h.svc.createTask({ title: 't' });
    await h.svc.claim({ agent_id: 'agent-1' });
    const seen = new Promise<CoordEvent>((resolve) => h.svc.subscribe((e) => e.type === 'lease_expired' && resolve(e)));
    h.advance(LEASE);
    expect(await seen).toMatchObject({ task_id: task.id, data: { epoch: 2 } });
    expect(h.svc.getTask(task.id)?.status).toBe('pending');
  });
});
