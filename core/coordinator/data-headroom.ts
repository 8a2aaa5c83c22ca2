/**
 * Keeps LMDB's data file a few MiB longer than what it holds, with zeros actually written.
 *
 * Why: a commit whose pages go past the end of the file changes the file's size and block
 * map, so its fdatasync must also commit the filesystem's journal (ext4, xfs). The event log
 * and the histories only grow, so without this every few transitions pays that extra flush:
 * measured on the 2-core VM, flushed puts into a growing key space cost +13 to +54 µs at the
 * median and far more at p90 than puts that overwrite. Pages LMDB later writes over written
 * zeros are plain overwrites, and the commit's fdatasync syncs only data. PostgreSQL zero-fills
 * its WAL segments for the same reason (`wal_init_zero`).
 *
 * Why it is safe:
 * - Every write to the store runs in a `transactionSync` on this thread (group commit,
 *   migrations, counters): `topUp` runs between two of them, when no LMDB write is in flight.
 * - Zeros go only past the file's current end, where LMDB has written nothing yet.
 * - LMDB reads nothing past its last page (the meta page's `last_pgno`), whatever the file's
 *   length; a crash leaves zeros that are never read, and they are reused as the store grows.
 *
 * A failure to extend (a full disk) is logged once per failure and changes nothing else: LMDB
 * then grows the file itself, as it would without this.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, writeSync } from 'node:fs';
import type { RootDatabase } from 'lmdb';
import type { Logger } from 'pino';

export interface DataHeadroomOptions {
  /** How far past LMDB's last page the file is extended (default 8 MiB). */
  readonly chunkBytes?: number;
  /** Extend again when less than this is left (default half a chunk). */
  readonly lowWaterBytes?: number;
  /** Look at the sizes once every this many `topUp` calls (default 16): a look costs ~5 µs. */
  readonly checkEvery?: number;
}

export interface DataHeadroom {
  /** Call between write transactions; extends the file when its headroom runs low. */
  topUp(): void;
  /** Extends now if needed, whatever the count. */
  check(): void;
  close(): void;
}

const ZEROS_PER_WRITE = 1 << 20;

/**
 * @param file the LMDB data file (`data.mdb`).
 * @param usedBytes the bytes LMDB's pages occupy: `(lastPageNumber + 1) * pageSize`.
 */
export function createDataHeadroom(file: string, usedBytes: () => number, logger: Logger, opts: DataHeadroomOptions = {}): DataHeadroom {
  const chunk = opts.chunkBytes ?? 8 << 20;
  const lowWater = opts.lowWaterBytes ?? chunk >> 1;
  const every = opts.checkEvery ?? 16;
  const fd = openSync(file, 'r+');
  let zeros: Buffer | undefined;
  let countdown = 0;
  let closed = false;

  function check(): void {
    if (closed) return;
    countdown = every;
    try {
      const size = fstatSync(fd).size;
      const used = usedBytes();
      if (size - used >= lowWater) return;
      // Never more than one chunk per extension, whatever `usedBytes` says.
      const target = Math.min(used, size) + chunk;
      zeros ??= Buffer.alloc(ZEROS_PER_WRITE);
      for (let at = size; at < target; ) at += writeSync(fd, zeros, 0, Math.min(ZEROS_PER_WRITE, target - at), at);
      fdatasyncSync(fd);
      logger.debug({ event: 'data_headroom_extended', file, from_bytes: size, to_bytes: target }, 'data_headroom_extended');
    } catch (err) {
      logger.warn({ event: 'data_headroom_failed', file, err }, 'could not extend the data file ahead of the store; LMDB will grow it as it writes');
    }
  }

  return {
    topUp(): void {
      if (--countdown <= 0) check();
    },
    check,
    close(): void {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/** The bytes an LMDB environment's pages occupy, as of its last commit. */
export function lmdbUsedBytes(root: RootDatabase): number {
  const stats = root.getStats() as { lastPageNumber: number; pageSize: number };
  return (stats.lastPageNumber + 1) * stats.pageSize;
}
