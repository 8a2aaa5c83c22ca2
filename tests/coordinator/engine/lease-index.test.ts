/**
 * The lease index lags behind renewals (task-index.ts): an entry is written when a task
 * becomes claimed, not when a heartbeat or a transition renews its lease. These tests hold it
 * to what that must still guarantee, on a frozen clock against the real store: no lease is
 * taken back while it runs, every lease that ran out is, and the index does not keep growing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../core/coordinator/store.js';
import { ART, evidence, openHarness, reasonOf, type Harness } from './harness.js';

const LEASE = 60_000;
let h: Harness;
afterEach(async () => h.cleanup());

/** The lease index as stored ([expiry, task id] in key order); the service is closed and opened again around the read. */
async function leaseEntries(hh: Harness): Promise<[string, string][]> {
  await hh.svc.close();
  const store = openStore(join(hh.dir, 'data'));
  try {
    return [...store.leaseIndex.getKeys()];
  } finally {
    await store.root.close();
    await hh.reopen();
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('lease index', () => {
  it('renewals write no entry; the sweep moves a renewed entry to the real expiry, and takes the lease back only once that has passed', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    const claimedAt = h.now();
    const c = await h.svc.claim({ agent_id: 'agent-1' });
    for (let i = 0; i < 5; i++) {
      h.advance(10_000);
      await h.svc.heartbeat(task.id, 'agent-1');
    }
    h.advance(10_000);
    const moved = await h.svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
    expect(moved.allowed).toBe(true);
    const lease = h.now() + LEASE;
    expect(h.svc.getTask(task.id)?.claim?.lease_expires_at).toBe(iso(lease));
    // Six renewals, one entry: the claim's.
    expect(await leaseEntries(h)).toEqual([[iso(claimedAt + LEASE), task.id]]);

    // The entry is due, the lease is not: nothing is taken back, the entry moves to the lease.
    h.advance(LEASE - 1);
    expect(await h.svc.expireLeases()).toBe(0);
    expect(h.svc.getTask(task.id)).toMatchObject({ status: 'claimed', epoch: 1 });
    expect(await leaseEntries(h)).toEqual([[iso(lease), task.id]]);

    h.advance(1);
    expect(await h.svc.expireLeases()).toBe(1);
    expect(h.svc.getTask(task.id)).toMatchObject({ status: 'pending', claim: null, epoch: 2 });
    expect(h.svc.events(0).events.filter((e) => e.type === 'lease_expired')).toHaveLength(1);
    expect(await leaseEntries(h)).toEqual([]);
  });

  it('an entry that outlives its claim (released, completed) is dropped by the sweep, with no expiry recorded', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    await h.svc.claim({ agent_id: 'agent-1' });
    await h.svc.release(task.id, 'agent-1');
    expect(await leaseEntries(h)).toHaveLength(1);
    h.advance(LEASE + 1);
    expect(await h.svc.expireLeases()).toBe(0);
    expect(h.svc.events(0).events.map((e) => e.type)).not.toContain('lease_expired');
    expect(h.svc.getTask(task.id)).toMatchObject({ status: 'pending', epoch: 2 });
    expect(await leaseEntries(h)).toEqual([]);
  });

  it('a claim does not take a task whose renewed lease still runs, though its first entry is due', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    await h.svc.claim({ agent_id: 'agent-1' });
    h.advance(40_000);
    await h.svc.heartbeat(task.id, 'agent-1');
    h.advance(30_000); // past the claim's lease, inside the heartbeat's
    expect(await reasonOf(h.svc.claim({ agent_id: 'agent-2' }))).toBe('no_task');
    expect(h.svc.getTask(task.id)?.claim?.agent_id).toBe('agent-1');
    // Past the heartbeat's lease too: now it is taken over.
    h.advance(30_000);
    expect((await h.svc.claim({ agent_id: 'agent-2' })).task).toMatchObject({ id: task.id, claim: { agent_id: 'agent-2' } });
  });

  it('a lease renewed to an earlier expiry (the clock set back) gets its own entry and is taken back on time', async () => {
    h = await openHarness({ leaseMs: LEASE });
    const task = await h.svc.createTask({ title: 't' });
    await h.svc.claim({ agent_id: 'agent-1' });
    const first = h.now() + LEASE;
    h.advance(-30_000);
    await h.svc.heartbeat(task.id, 'agent-1');
    const earlier = h.now() + LEASE;
    expect(await leaseEntries(h)).toEqual([
      [iso(earlier), task.id],
      [iso(first), task.id],
    ]);
    h.advance(LEASE); // the earlier lease has run out, the first one has not
    expect(h.now()).toBeLessThan(first);
    expect(await h.svc.expireLeases()).toBe(1);
    expect(h.svc.getTask(task.id)).toMatchObject({ status: 'pending', epoch: 2 });
  });
});
