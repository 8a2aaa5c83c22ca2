/** Record ids: a prefix and a counter kept in the same transaction as the record (`T-1`, `A-7`). Short, stable, URL-safe. */
import type { Database } from 'lmdb';

export type IdPrefix = 'T' | 'A';

export function nextId(meta: Database<number, string>, prefix: IdPrefix): string {
  const key = `next_id:${prefix}`;
  const n = (meta.get(key) ?? 0) + 1;
  void meta.put(key, n);
  return `${prefix}-${n}`;
}

/** Sort key for ids made by `nextId` (so `T-10` comes after `T-9`). */
export function idOrdinal(id: string): number {
  return Number(id.slice(id.indexOf('-') + 1));
}
