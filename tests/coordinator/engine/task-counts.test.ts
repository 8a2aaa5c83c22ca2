/** Status counters behind /metrics: kept with every task write, equal to a full walk, rebuilt once for an old store. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { CoordinatorService, TaskStatus } from '../../../core/coordinator/types.js';
import { approvalContract, evidence, openHarness, reasonOf, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** The counts a walk over every task gives: what the counters must always equal. */
function walked(svc: CoordinatorService): Record<TaskStatus, number> {
  const out: Record<TaskStatus, number> = { pending: 0, claimed: 0, awaiting_approval: 0, paused: 0, completed: 0, failed: 0 };
  for (const t of svc.listTasks()) out[t.status] += 1;
  return out;
}

describe('task counts', () => {
  it('equal a walk over the tasks after creates, claims, approvals, pauses, releases and refused operations', async () => {
    h = await openHarness({ contract: approvalContract() });
    const svc = h.svc;
    expect(svc.taskCounts()).toEqual(walked(svc));
    for (let i = 0; i < 6; i++) await svc.createTask({ title: `t${i}` });
    const a = await svc.claim({ agent_id: 'a' });
    const b = await svc.claim({ agent_id: 'b' });
    await svc.claim({ agent_id: 'c' });
    expect(svc.taskCounts()).toMatchObject({ pending: 3, claimed: 3 });
    // A → B parks for approval; then approve; B → C completes.
    const parked = await svc.transition({ current_phase: 'A', target_phase: 'B', phase_token: a.phase_token, artifacts: {}, evidence: evidence() });
    expect(parked.approval_id).toBeDefined();
    expect(svc.taskCounts()).toEqual(walked(svc));
    await svc.approve(parked.approval_id as string);
    await svc.pause(b.task.id, 'lunch');
    expect(svc.taskCounts()).toEqual(walked(svc));
    // Refused operations roll back: the counters must not move.
    const before = svc.taskCounts();
    expect(await reasonOf(svc.claim({ agent_id: 'd', task_id: a.task.id }))).not.toBe('no code');
    expect(await reasonOf(svc.resume('no-such-task'))).toBe('not_found');
    expect(svc.taskCounts()).toEqual(before);
    await svc.resume(b.task.id);
    await svc.release(b.task.id, null);
    expect(svc.taskCounts()).toEqual(walked(svc));
    expect(Object.values(svc.taskCounts()).reduce((x, y) => x + y, 0)).toBe(6);
    // Durable: the same counts after a restart.
    const counts = svc.taskCounts();
    expect((await h.reopen()).taskCounts()).toEqual(counts);
  });

  it('a store written before counters existed is counted once when opened', async () => {
    h = await openHarness();
    for (let i = 0; i < 5; i++) await h.svc.createTask({ title: `t${i}` });
    await h.svc.claim({ agent_id: 'a' });
    await h.svc.close();
    // Take the counters away, as in a data dir from an older build.
    const raw = open({ path: join(h.dir, 'data'), maxDbs: 16 });
    const meta = raw.openDB<number, string>('meta', {});
    await raw.transaction(() => {
      for (const { key } of meta.getRange()) if (String(key).startsWith('task')) void meta.remove(key);
    });
    await raw.close();
    const svc = await h.reopen();
    expect(svc.taskCounts()).toMatchObject({ pending: 4, claimed: 1 });
    expect(svc.taskCounts()).toEqual(walked(svc));
  });
});
