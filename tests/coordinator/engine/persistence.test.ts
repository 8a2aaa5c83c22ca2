/** Durability and the event log: everything is there after a reopen, seqs are gap-free and continue, subscribers see commits in order. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { open } from 'lmdb';
import { STORE_PAGE_SIZE } from '../../../core/coordinator/store.js';
import type { CoordEvent } from '../../../core/coordinator/types.js';
import { ART, evidence, openHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => (h = await openHarness()));
afterEach(async () => h.cleanup());

describe('persistence and events', () => {
  it('reopening the store finds tasks, approvals-free history, artifacts, checkpoints and the whole event log', async () => {
    const a = await h.svc.createTask({ title: 'a' });
    await h.svc.createTask({ title: 'b', depends_on: [a.id], priority: 3 });
    const c = await h.svc.claim({ agent_id: 'agent-1', task_id: a.id });
    await h.svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: { ...evidence(), audit_head: { seq: 7, hash: 'c'.repeat(64) } } });
    await h.svc.recordCheckpoint({ agent_id: 'agent-1', task_id: null, seq: 9, hash: 'd'.repeat(64) });
    const tasks = h.svc.listTasks();
    const log = h.svc.events(0);
    const cps = h.svc.checkpoints();

    const svc = await h.reopen();
    expect(svc.listTasks()).toEqual(tasks);
    expect(svc.events(0)).toEqual(log);
    expect(svc.checkpoints()).toEqual(cps);
    expect(cps).toEqual([
      { agent_id: 'agent-1', task_id: a.id, seq: 7, hash: 'c'.repeat(64) },
      { agent_id: 'agent-1', task_id: null, seq: 9, hash: 'd'.repeat(64) },
    ]);
    // The old token still speaks for the live claim after a restart, and ids and seqs continue.
    const t = await svc.createTask({ title: 'c' });
    expect(t.id).toBe('T-3');
    expect(svc.events(log.next).events.map((e) => e.seq)).toEqual([log.next + 1]);
    expect((await h.verifier.verify(await svc.refresh(c.phase_token))).phase).toBe('TDD');
  });

  it('events page by since/limit and subscribers get every committed event once, in seq order, after it is durable', async () => {
    const seen: CoordEvent[] = [];
    h.svc.subscribe((e) => seen.push(e));
    const unsubscribeFaulty = h.svc.subscribe(() => {
      throw new Error('a broken listener must not break the others');
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => h.svc.createTask({ title: `t${i}` })));
    await Promise.all(Array.from({ length: 40 }, (_, i) => h.svc.claim({ agent_id: `a${i}` })));
    unsubscribeFaulty();
    const all = h.svc.events(0, 10_000).events;
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(seen).toEqual(all);

    const page1 = h.svc.events(0, 30);
    const page2 = h.svc.events(page1.next, 30);
    const page3 = h.svc.events(page2.next, 30);
    expect([...page1.events, ...page2.events, ...page3.events]).toEqual(all);
    expect(page3.next).toBe(80);
    expect(h.svc.events(80)).toEqual({ events: [], next: 80, head: 80 });
  });

  it('checkpoints: the same head twice is stored once; two hashes for one seq are both kept (replaced log evidence)', async () => {
    const cp = { agent_id: 'agent-9', task_id: null, seq: 3, hash: 'e'.repeat(64) };
    await h.svc.recordCheckpoint(cp);
    await h.svc.recordCheckpoint(cp);
    await h.svc.recordCheckpoint({ ...cp, hash: 'f'.repeat(64) });
    await h.svc.recordCheckpoint({ ...cp, agent_id: 'agent-10' });
    expect(h.svc.checkpoints('agent-9').map((c) => c.hash)).toEqual(['e'.repeat(64), 'f'.repeat(64)]);
    expect(h.svc.checkpoints()).toHaveLength(3);
    expect(h.svc.events(0).events.filter((e) => e.type === 'audit_checkpoint')).toHaveLength(3);
    expect(await h.svc.recordCheckpoint({ ...cp, seq: -1 }).catch((e: { code: string }) => e.code)).toBe('invalid_body');
  });

  it('close is idempotent and later writes are refused with coordinator_unavailable', async () => {
    await h.svc.close();
    await h.svc.close();
    expect(await h.svc.createTask({ title: 'late' }).catch((e: { code: string }) => e.code)).toBe('coordinator_unavailable');
    h.svc = await h.reopen();
  });
});

describe('page size', () => {
  /** The page size LMDB recorded in the data dir (read with the coordinator closed). */
  async function pageSizeOf(dataDir: string): Promise<number> {
    const env = open({ path: dataDir, readOnly: true });
    try {
      return (env.getStats() as { pageSize: number }).pageSize;
    } finally {
      await env.close();
    }
  }

  it.each([
    ['a new data dir', undefined, STORE_PAGE_SIZE],
    ['a data dir an earlier build made with 4 KiB pages', 4096, 4096],
  ])('%s keeps its page size and works across a reopen', async (_name, madeWith, expected) => {
    const g = await openHarness({
      prepare: madeWith === undefined ? undefined : async (dataDir) => open({ path: dataDir, pageSize: madeWith }).close(),
    });
    try {
      const t = await g.svc.createTask({ title: 'pages' });
      const c = await g.svc.claim({ agent_id: 'agent-1', task_id: t.id });
      const moved = await g.svc.transition({ current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan: ART.plan }, evidence: evidence() });
      expect(moved.allowed).toBe(true);
      const tasks = g.svc.listTasks();
      const log = g.svc.events(0);
      const svc = await g.reopen();
      expect(svc.listTasks()).toEqual(tasks);
      expect(svc.events(0)).toEqual(log);
      await svc.close();
      expect(await pageSizeOf(join(g.dir, 'data'))).toBe(expected);
      g.svc = await g.reopen();
    } finally {
      await g.cleanup();
    }
  });
});
