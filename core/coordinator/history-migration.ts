/**
 * Data dirs written before history had its own records hold each task's history as an array
 * inside the task record. At open, each such task is rewritten once: its entries become
 * records [id, index], its record keeps the summary instead of the array. After that every
 * task has one shape, so nothing else reads the old one.
 *
 * Batches of BATCH tasks per write transaction, so a big store is not migrated in one huge
 * transaction. A crash half-way leaves migrated and unmigrated tasks side by side, each task
 * whole (its entries and its record move in one transaction); the next open finishes the job
 * (a migrated task has no array left to move). A store whose marker is set is not scanned.
 */
import type { Store } from './store.js';
import { EMPTY_HISTORY, summaryWith } from './task-history.js';
import type { HistoryEntry, StoredTask } from './types.js';

const MIGRATED = 'history_records_v1';
const BATCH = 500;

/** A task record as the previous build wrote it. */
type EmbeddedHistoryTask = Omit<StoredTask, 'history_len' | 'authors' | 'review_rounds' | 'last_round'> & { readonly history: readonly HistoryEntry[] };

function embedded(record: StoredTask): EmbeddedHistoryTask | undefined {
  const history = (record as unknown as { history?: unknown }).history;
  return Array.isArray(history) ? (record as unknown as EmbeddedHistoryTask) : undefined;
}

/** Moves one task's embedded history into records; must run inside a write transaction. */
function migrateTask(store: Store, old: EmbeddedHistoryTask): void {
  const { history, ...rest } = old;
  let summary = EMPTY_HISTORY;
  for (const entry of history) {
    void store.history.put([old.id, summary.history_len], entry);
    summary = summaryWith(summary, entry);
  }
  // Status and index keys do not change: a plain put, not saveTask (counters stay as they are).
  void store.tasks.put(old.id, { ...rest, ...summary });
}

/** Migrates up to BATCH tasks after key `after`; returns the last key looked at, or undefined at the end. */
function migrateBatch(store: Store, after: string | undefined): string | undefined {
  // Collect first, then write: the loop must not rewrite records under its own cursor.
  const due: EmbeddedHistoryTask[] = [];
  let last: string | undefined;
  for (const { key, value } of store.tasks.getRange(after === undefined ? {} : { start: after })) {
    if (key === after) continue;
    last = key;
    const old = embedded(value);
    if (old !== undefined) due.push(old);
    if (due.length === BATCH) break;
  }
  for (const old of due) migrateTask(store, old);
  return due.length === BATCH ? last : undefined;
}

/** Moves embedded histories into their own records once (a no-op for a store already migrated or created by this build). */
export function ensureHistoryRecords(store: Store): void {
  if (store.meta.get(MIGRATED) === 1) return;
  let after: string | undefined;
  do after = store.root.transactionSync(() => migrateBatch(store, after));
  while (after !== undefined);
  store.root.transactionSync(() => void store.meta.put(MIGRATED, 1));
}
