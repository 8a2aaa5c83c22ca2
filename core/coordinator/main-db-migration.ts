/**
 * Builds before this one kept tasks (with their history keys) and the event log in two named
 * databases, `tasks` and `events`. At open, their records move once into the main database
 * (main-db.ts), keys and bytes unchanged, and the emptied databases are dropped. Older layouts
 * of the history are rewritten afterwards, where they now are (history-migration.ts).
 *
 * Each write transaction moves a batch of records: each record is written to the main
 * database and removed from the old one in the same transaction, so a crash half-way leaves
 * every record in exactly one place and the next open goes on from there. The old pages are
 * freed as the records move, so the data file does not hold two copies of the log.
 */
import type { Database, DatabaseOptions, Key } from 'lmdb';
import { mainBytes } from './main-db.js';
import type { Store } from './store.js';

/** Set once tasks, history and events are in the main database. */
const MIGRATED = 'records_in_main_db_v3';
const LEGACY_DBS = ['tasks', 'events'] as const;
const BATCH = 1000;
/** lmdb-js answers undefined for a database that does not exist, instead of creating it (`create` is missing from its typings). */
const EXISTING_BINARY = { encoding: 'binary', create: false } as DatabaseOptions;

type Raw = Database<Buffer, Key>;

/** Moves up to BATCH records of `legacy` (in key order); returns whether any are left. */
function moveBatch(legacy: Raw, main: Raw): boolean {
  // Collected (and copied out of LMDB's memory) before the first write.
  const due = [...legacy.getRange({ limit: BATCH })].map(({ key, value }) => ({ key, value: Buffer.from(value) }));
  for (const { key, value } of due) {
    void main.put(key, value);
    void legacy.remove(key);
  }
  return due.length === BATCH;
}

/** A no-op for a store already moved or created by this build. */
export function ensureRecordsInMainDb(store: Store): void {
  if (store.meta.get(MIGRATED) === 1) return;
  const main = mainBytes(store.root);
  for (const name of LEGACY_DBS) {
    const legacy = store.root.openDB<Buffer, Key>(name, EXISTING_BINARY) as Raw | undefined;
    if (legacy === undefined) continue;
    while (store.root.transactionSync(() => moveBatch(legacy, main)));
    store.root.transactionSync(() => legacy.dropSync());
  }
  store.root.transactionSync(() => void store.meta.put(MIGRATED, 1));
}
