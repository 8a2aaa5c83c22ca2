/**
 * LMDB's main (unnamed) database holds the records every transition writes: the task, its
 * new history entry and the event. A commit rewrites each B-tree it touches from leaf to
 * root, and a named database's new root must also be written into the main database's
 * catalog; records kept in the main database itself save those pages (six data pages per
 * transition became four; every page costs ≈ 11 µs of the commit's sync on the 2-core VM).
 *
 * Its keys form four spaces; ordered-binary sorts symbols before numbers, numbers before
 * strings, and an array by its first element:
 *
 *   Symbol(phasegate.structures.*)  each kind's msgpack structures (see `recordsOf`)
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

/** The kinds of record kept here, each with its own list of msgpack structures. */
export type RecordKind = 'tasks' | 'history' | 'events';

/** Enough for every shape of task, entry and event (and their nested objects) the contract can produce; beyond it a value carries its own key lists. */
const MAX_SHARED_STRUCTURES = 256;

/**
 * Only key lists like our own records' are shared: at most 40 keys of at most 40 characters.
 * Objects keyed by what an agent chose (test file paths in a test lock) keep their keys in the
 * value, so an agent cannot grow the shared list — read whole whenever it is read again — to
 * more than 256 × 40 short keys (≈ 400 KiB at the very most).
 */
const shareable = (keys: readonly string[]): boolean => keys.length <= 40 && keys.every((k) => k.length <= 40);

/** lmdb-js's name for the main database is `null` (its typings admit only strings). */
const MAIN = null as unknown as string;

/**
 * A handle on the main database for one kind of record. Its values are msgpack records whose
 * key lists ("structures") are stored once in the database, under a symbol key, instead of in
 * every value: a task record is 232 bytes instead of 552 and decodes in 0.4 µs instead of 2.9
 * (msgpackr alone, in a loop). Every reader of these records must open them with this function.
 */
export function recordsOf<V, K extends Key>(root: RootDatabase, kind: RecordKind): Database<V, K> {
  const options = { name: MAIN, sharedStructuresKey: Symbol.for(`phasegate.structures.${kind}`), maxSharedStructures: MAX_SHARED_STRUCTURES, shouldShareStructure: shareable };
  return root.openDB<V, K>(options as DatabaseOptions & { name: string });
}

/** The main database's values as stored, for moving records verbatim (main-db-migration.ts). */
export function mainBytes(root: RootDatabase): Database<Buffer, Key> {
  return root.openDB<Buffer, Key>({ name: MAIN, encoding: 'binary' });
}

interface WithStructures {
  readonly encoder?: { structures?: unknown[] & { uninitialized?: boolean; sharedLength?: number } };
}

/** How many structures `handle` holds as saved (0 while it has not read them). */
export function savedStructures(handle: Database<unknown, Key>): number {
  return (handle as unknown as WithStructures).encoder?.structures?.sharedLength ?? 0;
}

/**
 * After a rollback. A write that adds a structure saves it in its own transaction; rolled
 * back, the structure is gone from the database but still known to the handle, which would
 * then write later values that name it, undecodable after a restart. So the handle forgets
 * its structures and reads them again from the database when it next needs them (msgpackr's
 * own answer when a save is declined).
 */
export function forgetStructures(...handles: readonly Database<unknown, Key>[]): void {
  for (const handle of handles) {
    const encoder = (handle as unknown as WithStructures).encoder;
    if (encoder?.structures !== undefined) encoder.structures = Object.assign([], { uninitialized: true });
  }
}
