/**
 * LMDB's main (unnamed) database holds the records every transition writes: the task, its
 * new history entry and the event. A commit rewrites each B-tree it touches from leaf to
 * root, and a named database's new root must also be written into the main database's
 * catalog; records kept in the main database itself save those pages (six data pages per
 * transition became four; every page costs ≈ 11 µs of the commit's sync on the 2-core VM).
 *
 * Its keys form three spaces; ordered-binary sorts numbers before strings, and an array
 * sorts by its first element:
 *
 *   1, 2, 3 …                     event seqs (the event log)
 *   'T-1', ['T-1', n] …, 'T-10'   task ids, each followed by its history keys (task-history.ts)
 *   'approvals', 'meta', …        LMDB's catalog of the named databases (lowercase names)
 *
 * Every read of this database is bounded to one space with the ranges below.
 */
import type { Database, DatabaseOptions, Key, RootDatabase } from 'lmdb';

/** Event seqs are positive integers: every event key sorts before `EVENTS_END`, and every string after it. */
export const EVENTS_END = Infinity;

/** Task ids are `T-<n>` (ids.ts); '.' follows '-', so [TASKS_START, TASKS_END) holds exactly the tasks and their history keys. */
export const TASKS_START = 'T-';
export const TASKS_END = 'T.';

/** A handle on the main database with its own value and key types (handles share nothing but the data). */
export function mainDatabase<V, K extends Key>(root: RootDatabase, options: DatabaseOptions = {}): Database<V, K> {
  // `name: null` is lmdb-js's main database (its typings admit only strings).
  return root.openDB<V, K>({ ...options, name: null as unknown as string });
}
