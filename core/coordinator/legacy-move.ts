/**
 * Moving the records of a database an earlier build used into their current place, at open.
 * Batch by batch, each batch in one write transaction: every record is written to its new
 * place and removed from the old database in the same transaction, so a crash half-way leaves
 * each record in exactly one place and the next open goes on from there; the old pages are
 * freed as the records move, so the file never holds everything twice.
 */
import type { Database, Key, RootDatabase } from 'lmdb';

/**
 * Empties `legacy` through `put`, `batch` records per transaction, in key order. `own` makes a
 * value safe to keep across writes (a binary value points into LMDB's memory: copy it).
 */
export function moveAllRecords<K extends Key, V>(root: RootDatabase, legacy: Database<V, K>, batch: number, put: (key: K, value: V) => void, own: (value: V) => V = (value) => value): void {
  const moveBatch = (): boolean => {
    // Collected before the first write: the loop must not write under its own cursor.
    const due = [...legacy.getRange({ limit: batch })].map(({ key, value }) => ({ key, value: own(value) }));
    for (const { key, value } of due) {
      put(key, value);
      void legacy.remove(key);
    }
    return due.length === batch;
  };
  while (root.transactionSync(moveBatch));
}
