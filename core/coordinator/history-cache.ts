/**
 * Histories read back lately, kept decoded. Decoding one small record per entry costs ~1 µs
 * (about five times what an entry inside one big record cost), so a dashboard or CLI showing
 * the same task again would pay it on every read; here it pays only for entries it has not
 * seen. Entries are append-only and never change once committed, so a cached prefix cannot go
 * stale: a longer history extends it, an older (shorter) record takes a slice of it.
 *
 * Only committed histories may be read through it (never from inside a write transaction: an
 * entry a rolled-back operation wrote must not be remembered). Bounded by `maxEntries` in all,
 * least recently read task evicted first.
 */
import type { HistoryEntry } from './types.js';

/** Reads entries [from, to) of one task from the store. */
export type LoadEntries = (from: number, to: number) => HistoryEntry[];

export class HistoryCache {
  readonly #max: number;
  /** Insertion order is recency: a read moves its task to the end. */
  readonly #byTask = new Map<string, HistoryEntry[]>();
  #size = 0;

  constructor(maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) throw new TypeError('"maxEntries" must be a non-negative integer');
    this.#max = maxEntries;
  }

  /** Entries cached in all (for tests and metrics). */
  get size(): number {
    return this.#size;
  }

  /** The first `len` entries of task `id` (a new array each time), loading only those not cached yet. */
  read(id: string, len: number, load: LoadEntries): HistoryEntry[] {
    if (len === 0) return [];
    const cached = this.#byTask.get(id) ?? [];
    this.#forget(id);
    if (cached.length < len) {
      const more = load(cached.length, len);
      // A short read means a missing record: answer what is there, remember nothing.
      if (more.length !== len - cached.length) return [...cached, ...more];
      for (const e of more) cached.push(e);
    }
    if (cached.length <= this.#max) {
      this.#byTask.set(id, cached);
      this.#size += cached.length;
      this.#evict(id);
    }
    return cached.slice(0, len);
  }

  #forget(id: string): void {
    const old = this.#byTask.get(id);
    if (old === undefined) return;
    this.#byTask.delete(id);
    this.#size -= old.length;
  }

  #evict(keep: string): void {
    for (const id of this.#byTask.keys()) {
      if (this.#size <= this.#max) return;
      if (id !== keep) this.#forget(id);
    }
  }
}
