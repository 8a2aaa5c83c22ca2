/**
 * Builds before this one kept tasks (with their history keys) and the event log in two named
 * databases, `tasks` and `events`. At open, their records move once into the main database
 * (main-db.ts), keys and bytes unchanged, and the emptied databases are dropped. Older layouts
 * of the history are rewritten afterwards, where they now are (history-migration.ts).
 *
 * The records move in batches, each written and removed in one transaction (legacy-move.ts).
 */
import type { Database, DatabaseOptions, Key } from 'lmdb';
import { moveAllRecords } from './legacy-move.js';
import { mainBytes } from './main-db.js';
import type { Store } from './store.js';

/** Set once tasks, history and events are in the main database. */
const MIGRATED = 'records_in_main_db_v3';
const LEGACY_DBS = ['tasks', 'events'] as const;
const BATCH = 1000;
/** lmdb-js answers undefined for a database that does not exist, instead of creating it (`create` is missing from its typings). */
const EXISTING_BINARY = { encoding: 'binary', create: false } as DatabaseOptions;

type Raw = Database<Buffer, Key>;

/** A no-op for a store already moved or created by this build. */
export function ensureRecordsInMainDb(store: Store): void {
  if (store.meta.get(MIGRATED) === 1) return;
  const main = mainBytes(store.root);
  for (const name of LEGACY_DBS) {
    const legacy = store.root.openDB<Buffer, Key>(name, EXISTING_BINARY) as Raw | undefined;
    if (legacy === undefined) continue;
    moveAllRecords(store.root, legacy, BATCH, (key, value) => void main.put(key, value), (value) => Buffer.from(value));
    store.root.transactionSync(() => legacy.dropSync());
  }
  store.root.transactionSync(() => void store.meta.put(MIGRATED, 1));
}
