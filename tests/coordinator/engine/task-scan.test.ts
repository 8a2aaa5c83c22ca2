/**
 * Task records, history entries and the event log share LMDB's main database, with the
 * catalog of the named databases (main-db.ts). A task scan returns every task record once, in
 * key order, and never a history entry, an event or a catalog entry: with long and empty
 * histories, ids that are prefixes of each other, a start key, and an entry whose task record
 * is missing. An event read returns the events and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../../core/coordinator/events.js';
import { historyKey } from '../../../core/coordinator/task-history.js';
import { taskRecords } from '../../../core/coordinator/task-scan.js';
import type { CoordEvent, HistoryEntry, StoredTask } from '../../../core/coordinator/types.js';
import { storePerTest } from './harness.js';

const t = storePerTest('pg-scan-');

const entry = (i: number): HistoryEntry => ({ from: `P${i}`, to: `P${i + 1}`, at: new Date(0).toISOString(), agent_id: 'a', artifacts: {} });
const record = (id: string, historyLen: number): StoredTask => ({ id, title: id, history_len: historyLen }) as unknown as StoredTask;
const event = (seq: number): CoordEvent => ({ seq, ts: new Date(0).toISOString(), type: 'task_created', task_id: 'T-1', data: {} });

describe('task scan', () => {
  it('returns each task record once, in key order, and none of the history entries between them', async () => {
    // T-1, T-10, T-100 are prefixes of one another; T-1 has a long history, T-10 none.
    const lengths: Record<string, number> = { 'T-1': 300, 'T-10': 0, 'T-100': 3, 'T-2': 1, 'T-20': 50 };
    await t.store.root.transaction(() => {
      for (const [id, n] of Object.entries(lengths)) {
        void t.store.tasks.put(id, record(id, n));
        for (let i = 0; i < n; i++) void t.store.history.put(historyKey(id, i), entry(i));
      }
      // An entry whose task record is missing is stepped over.
      void t.store.history.put(historyKey('T-15', 0), entry(0));
      for (let seq = 1; seq <= 40; seq++) void t.store.events.put(seq, event(seq));
    });
    // The store's named databases are keys of the same database (LMDB's catalog).
    expect([...t.store.root.getKeys({ start: 'a' })]).toContain('meta');
    const ids = [...taskRecords(t.store)].map((r) => r.key);
    expect(ids).toEqual(['T-1', 'T-10', 'T-100', 'T-2', 'T-20']);
    expect([...taskRecords(t.store)].map((r) => r.value.history_len)).toEqual([300, 0, 3, 1, 50]);
    // From a start id: the tasks after it, not its own entries.
    expect([...taskRecords(t.store, 'T-1')].map((r) => r.key)).toEqual(['T-10', 'T-100', 'T-2', 'T-20']);
    expect([...taskRecords(t.store, 'T-15')].map((r) => r.key)).toEqual(['T-2', 'T-20']);
    expect([...taskRecords(t.store, 'T-20')]).toEqual([]);
    // The history entries are there, newest first after their task.
    const t1 = [...t.store.history.getRange({ start: historyKey('T-1', 0), end: historyKey('T-1', 300), reverse: true })].map((e) => e.value.from);
    expect(t1).toEqual(Array.from({ length: 300 }, (_, i) => `P${i}`));
    // The event log reads its own keys only, up to its head and past it.
    expect(readEvents(t.store, 0, 100).events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(readEvents(t.store, 35, 100)).toMatchObject({ next: 40, head: 40 });
    expect(readEvents(t.store, 40, 100)).toEqual({ events: [], next: 40, head: 40 });
  });

  it('an empty store has no tasks and no events', () => {
    expect([...taskRecords(t.store)]).toEqual([]);
    expect(readEvents(t.store, 0)).toEqual({ events: [], next: 0, head: 0 });
  });
});
