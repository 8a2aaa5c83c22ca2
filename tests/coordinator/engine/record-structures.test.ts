/**
 * Tasks, history entries and events are msgpack records whose key lists ("structures") are
 * stored once per kind in the database (main-db.ts). A write that adds a structure and then
 * rolls back takes the structure with it; a later value of the same shape must not name the
 * structure that never committed, or it cannot be read after a restart. Both ways a write
 * rolls back in the group commit are tried: alone in its batch, and beside writes that commit.
 */
import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../core/coordinator/group-commit.js';
import { historyKey } from '../../../core/coordinator/task-history.js';
import type { CoordEvent, HistoryEntry, StoredTask } from '../../../core/coordinator/types.js';
import { storePerTest } from './harness.js';

const t = storePerTest('pg-structures-');

/** Wired as the coordinator service wires it. */
const commits = () => createGroupCommit(t.store.root, { onRollback: t.store.rolledBack, beforeCommit: t.store.markStructures });

/** A task of a shape no write has used before (`shape` names its extra field). */
const task = (id: string, shape: string): StoredTask => ({ id, title: id, history_len: 0, [shape]: `${shape} of ${id}` }) as unknown as StoredTask;
const entry = (shape: string): HistoryEntry => ({ from: 'A', to: 'B', at: new Date(0).toISOString(), agent_id: 'a', artifacts: {}, [shape]: 1 }) as unknown as HistoryEntry;
const event = (seq: number, shape: string): CoordEvent => ({ seq, ts: new Date(0).toISOString(), type: 'task_created', task_id: 'T-1', data: { [shape]: seq } });

/** Writes one record of each kind in `shape`, and throws afterwards when `fail`. */
const writeAll = (id: string, seq: number, shape: string, fail: boolean) => (): void => {
  void t.store.tasks.put(id, task(id, shape));
  void t.store.history.put(historyKey(id, 0), entry(shape));
  void t.store.events.put(seq, event(seq, shape));
  if (fail) throw new Error('refused after writing');
};

describe('record structures', () => {
  it('a structure added by a write that rolled back is never named by a later value, in a batch or alone', async () => {
    const gc = commits();
    // One batch: the first write adds the shape and rolls back, the second writes the same shape and commits.
    const refused = gc.write(writeAll('T-1', 1, 'batch_field', true));
    const kept = gc.write(writeAll('T-2', 2, 'batch_field', false));
    await expect(refused).rejects.toThrow('refused after writing');
    await (await kept).durable;
    // Alone in its batch, then the same shape in the next batch.
    await expect(gc.write(writeAll('T-3', 3, 'alone_field', true))).rejects.toThrow('refused after writing');
    await (await gc.write(writeAll('T-4', 4, 'alone_field', false))).durable;

    // A restart reads the structures from the database only.
    await t.reopen();
    const { tasks, history, events } = t.store;
    expect(tasks.get('T-1')).toBeUndefined();
    expect(tasks.get('T-2')).toStrictEqual(task('T-2', 'batch_field'));
    expect(tasks.get('T-3')).toBeUndefined();
    expect(tasks.get('T-4')).toStrictEqual(task('T-4', 'alone_field'));
    expect(history.get(historyKey('T-2', 0))).toStrictEqual(entry('batch_field'));
    expect(history.get(historyKey('T-4', 0))).toStrictEqual(entry('alone_field'));
    expect(events.get(2)).toStrictEqual(event(2, 'batch_field'));
    expect(events.get(4)).toStrictEqual(event(4, 'alone_field'));
  });

  it('an agent minting shapes at will (test file paths are keys of the task record) fills the shared structures, and every value still reads back after a restart, rollbacks interleaved', async () => {
    const gc = commits();
    const n = 1200; // past the 256 shared structures: later values carry their own key lists
    const record = (i: number) => ({ ...task(`T-${i}`, 'minted'), test_lock: { [`src/case_${i}.test.ts`]: 'h'.repeat(8), [`k${i % 7}`]: String(i) } });
    const writes = Array.from({ length: n }, (_, k) =>
      gc.write(() => {
        void t.store.tasks.put(`T-${k + 1}`, record(k + 1));
        if ((k + 1) % 5 === 0) throw new Error('refused');
      }).then((c) => c.durable, () => undefined),
    );
    await Promise.all(writes);
    await gc.drain();
    await t.reopen();
    for (let i = 1; i <= n; i++) expect(t.store.tasks.get(`T-${i}`), `T-${i}`).toStrictEqual(i % 5 === 0 ? undefined : record(i));
    // A full list of shared structures does not stop the store: new shapes and known ones are still written after a restart.
    const after = commits();
    await (await after.write(() => void t.store.tasks.put(`T-${n + 1}`, record(n + 1)))).durable;
    await (await after.write(() => void t.store.tasks.put('T-1', record(1)))).durable;
    await t.reopen();
    expect(t.store.tasks.get(`T-${n + 1}`)).toStrictEqual(record(n + 1));
    expect(t.store.tasks.get('T-1')).toStrictEqual(record(1));
  });

  it('objects keyed by what an agent chose (long test file paths, many keys) are not shared: the shared list stays small however many such shapes are written', async () => {
    const gc = commits();
    const structures = () => t.store.root.getBinary(Symbol.for('phasegate.structures.tasks') as unknown as string)?.length ?? 0;
    await (await gc.write(() => void t.store.tasks.put('T-1', task('T-1', 'ours')))).durable;
    const ours = structures();
    expect(ours).toBeGreaterThan(0);
    for (let i = 2; i < 300; i++) {
      const manyKeys = Object.fromEntries(Array.from({ length: 41 }, (_, k) => [`f${i}_${k}`, 'h']));
      const longPath = { [`packages/service-${i}/src/deeply/nested/module.integration.test.ts`]: 'h' };
      await (await gc.write(() => void t.store.tasks.put(`T-${i}`, { ...task(`T-${i}`, 'ours'), test_lock: i % 2 === 0 ? manyKeys : longPath }))).durable;
    }
    // Only the one new shape of ours (the record with a test_lock) joined the list.
    expect(structures()).toBeLessThan(ours * 3);
    await t.reopen();
    expect((t.store.tasks.get('T-7') as unknown as { test_lock: object }).test_lock).toEqual({ 'packages/service-7/src/deeply/nested/module.integration.test.ts': 'h' });
    expect(Object.keys((t.store.tasks.get('T-8') as unknown as { test_lock: object }).test_lock)).toHaveLength(41);
  });

  it('a task, an entry and an event of one new shape read back as written after a restart, each far smaller than a self-describing value', async () => {
    const gc = commits();
    await (await gc.write(writeAll('T-1', 1, 'shared_name', false))).durable;
    await t.reopen();
    expect(t.store.tasks.get('T-1')).toStrictEqual(task('T-1', 'shared_name'));
    expect(t.store.history.get(historyKey('T-1', 0))).toStrictEqual(entry('shared_name'));
    expect(t.store.events.get(1)).toStrictEqual(event(1, 'shared_name'));
    // The values are smaller than self-describing msgpack: the key lists are stored once.
    expect(t.store.tasks.getBinary('T-1')?.length).toBeLessThan(40);
  });
});
