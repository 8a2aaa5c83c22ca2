/**
 * Event seqs come from the event log itself (its last key + 1, kept between operations and
 * dropped by the group commit's onRollback): consecutive within one operation and across a
 * batch, a rolled-back operation gives its numbers back, and a reopened store continues where
 * the log ends.
 */
import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../core/coordinator/group-commit.js';
import { EVENTS_END } from '../../../core/coordinator/main-db.js';
import { beginTx } from '../../../core/coordinator/write-tx.js';
import { storePerTest } from './harness.js';

const t = storePerTest('pg-seq-');

/** One operation emitting `n` events; returns their seqs (throws after emitting when `fail`). */
const emitting = (n: number, fail = false) => (): number[] => {
  const tx = beginTx(t.store, Date.now());
  for (let i = 0; i < n; i++) tx.emit('task_created', `T-${i}`, { i });
  if (fail) throw new Error('refused after emitting');
  return tx.events.map((e) => e.seq);
};

/** Wired as the coordinator service wires it. */
const commits = () => createGroupCommit(t.store.root, { onRollback: t.store.rolledBack, beforeCommit: t.store.markStructures });

describe('event seq', () => {
  it('is gap-free across a batch where the middle operation rolls back, and within one operation', async () => {
    const gc = commits();
    const first = gc.write(emitting(2));
    const bad = gc.write(emitting(3, true));
    const last = gc.write(emitting(2));
    expect((await first).value).toEqual([1, 2]);
    await expect(bad).rejects.toThrow('refused after emitting');
    // The rolled-back operation's numbers 3–5 are given back.
    expect((await last).value).toEqual([3, 4]);
    await (await last).durable;
    // The log is bounded to the event seqs: tasks share its database (main-db.ts).
    expect([...t.store.events.getKeys({ start: 1, end: EVENTS_END })]).toEqual([1, 2, 3, 4]);
  });

  it('an operation alone in its batch that rolls back gives its numbers back; a reopened store continues the log', async () => {
    const gc = commits();
    await (await gc.write(emitting(1))).durable;
    await expect(gc.write(emitting(2, true))).rejects.toThrow();
    expect((await gc.write(emitting(1))).value).toEqual([2]);
    await gc.drain();
    await t.reopen();
    const again = await commits().write(emitting(2));
    expect(again.value).toEqual([3, 4]);
    expect(t.store.events.get(4)).toMatchObject({ seq: 4, type: 'task_created', task_id: 'T-1' });
  });
});
