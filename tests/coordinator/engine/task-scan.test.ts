/**
 * Task records and history entries share the tasks database (task-history.ts). A task scan
 * returns every task record once, in key order, and never a history entry: with long and
 * empty histories, ids that are prefixes of each other, a start key, and an entry whose task
 * record is missing.
 */
import { describe, expect, it } from 'vitest';
import { historyKey } from '../../../core/coordinator/task-history.js';
import { taskRecords } from '../../../core/coordinator/task-scan.js';
import type { HistoryEntry, StoredTask } from '../../../core/coordinator/types.js';
import { storePerTest } from './harness.js';

const t = storePerTest('pg-scan-');

const entry = (i: number): HistoryEntry => ({ from: `P${i}`, to: `P${i + 1}`, at: new Date(0).toISOString(), agent_id: 'a', artifacts: {} });
const record = (id: string, historyLen: number): StoredTask => ({ id, title: id, history_len: historyLen }) as unknown as StoredTask;

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
    });
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
  });

  it('an empty store has no tasks', () => {
    expect([...taskRecords(t.store)]).toEqual([]);
  });
});
