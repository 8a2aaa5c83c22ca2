/**
 * Every task record, in key order, without the history entries stored after each one
 * (task-history.ts). The scan jumps over a task's entries instead of reading them: one range
 * step per task, however long the histories are.
 */
import type { HistoryKey, Store } from './store.js';
import { afterHistoryOf } from './task-history.js';
import type { StoredTask } from './types.js';

/** Task records with ids after `after` in key order (all of them when it is undefined). */
export function* taskRecords(store: Store, after?: string): Generator<{ key: string; value: StoredTask }> {
  let start: HistoryKey | undefined = after === undefined ? undefined : afterHistoryOf(after);
  for (;;) {
    // lmdb-js types `start` as the database's key type; the tasks database holds both kinds.
    const [next] = [...store.tasks.getRange({ ...(start === undefined ? {} : { start: start as unknown as string }), limit: 1 })];
    if (next === undefined) return;
    const key = next.key as string | HistoryKey;
    // Every history entry follows its task's record, so a step lands on a record; an entry
    // whose record is missing would be stepped over, never returned as a task.
    if (typeof key === 'string') yield { key, value: next.value };
    start = afterHistoryOf(typeof key === 'string' ? key : key[0]);
  }
}
