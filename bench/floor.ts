/** The floor a durable coordinator write stands on: one LMDB put and its flush, nothing else. */
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';

export interface Floor {
  /** One put of a ~230-byte record over 1,000 keys, then `flushed`: lmdb-js's own durable write. */
  put(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a bare LMDB store (lmdb-js defaults) in `dir`/raw. */
export function openFloor(dir: string): Floor {
  const db: RootDatabase = open({ path: join(dir, 'raw') });
  let i = 0;
  return {
    async put() {
      await db.put(`k${i++ % 1000}`, { n: i, pad: 'x'.repeat(200) });
      await db.flushed;
    },
    close: () => db.close(),
  };
}
