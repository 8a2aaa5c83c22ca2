/**
 * Two older layouts of a task's history are rewritten once, at open, into the current one
 * (entries right after their task's record, task-history.ts), after the records have moved
 * into the main database (main-db-migration.ts):
 *
 * 1. History as an array inside the task record (the first builds). Each such task is
 *    rewritten: its entries become records, its record keeps the summary instead of the array.
 * 2. History records in a `history` database of their own, keyed [task id, index] (the
 *    builds before). Entries are moved to their key beside the task records; the emptied
 *    `history` database is dropped.
 *
 * Each write transaction moves a bounded batch (BATCH tasks, or BATCH entries), so a big store
 * is not migrated in one huge transaction. Each task, or each entry, moves whole within one
 * transaction: a crash half-way leaves moved and unmoved data side by side, both readable by
 * this code, and the next open finishes the job. A store whose marker is set is not scanned.
 */
import { moveAllRecords } from './legacy-move.js';
import type { HistoryKey, Store } from './store.js';
import { EMPTY_HISTORY, historyKey, summaryWith } from './task-history.js';
import { taskRecords } from './task-scan.js';
import type { HistoryEntry, StoredTask } from './types.js';

/** Set once history is in its current place (layout 2: beside its task). */
const MIGRATED = 'history_beside_tasks_v2';
/** The previous build's marker (layout 1 moved into the `history` database); cleared once obsolete. */
const MIGRATED_V1 = 'history_records_v1';
const LEGACY_DB = 'history';
const BATCH = 500;

/** A task record as the first builds wrote it. */
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
    void store.history.put(historyKey(old.id, summary.history_len), entry);
    summary = summaryWith(summary, entry);
  }
  // Status and index keys do not change: a plain put, not saveTask (counters stay as they are).
  void store.tasks.put(old.id, { ...rest, ...summary });
}

/** Migrates up to BATCH embedded-history tasks after id `after`; returns the last id looked at, or undefined at the end. */
function migrateEmbeddedBatch(store: Store, after: string | undefined): string | undefined {
  // Collect first, then write: the loop must not rewrite records under its own cursor.
  const due: EmbeddedHistoryTask[] = [];
  let last: string | undefined;
  for (const { key, value } of taskRecords(store, after)) {
    last = key;
    const old = embedded(value);
    if (old !== undefined) due.push(old);
    if (due.length === BATCH) break;
  }
  for (const old of due) migrateTask(store, old);
  return due.length === BATCH ? last : undefined;
}

/** Puts every task's history in its current place once (a no-op for a store already migrated or created by this build). */
export function ensureHistoryRecords(store: Store): void {
  if (store.meta.get(MIGRATED) === 1) return;
  const legacy = store.root.openDB<HistoryEntry, HistoryKey>(LEGACY_DB, {});
  moveAllRecords(store.root, legacy, BATCH, (key, value) => void store.history.put(historyKey(key[0], key[1]), value));
  let after: string | undefined;
  do after = store.root.transactionSync(() => migrateEmbeddedBatch(store, after));
  while (after !== undefined);
  store.root.transactionSync(() => {
    legacy.dropSync();
    void store.meta.remove(MIGRATED_V1);
    void store.meta.put(MIGRATED, 1);
  });
}
