/**
 * The data file is kept ahead of the store with written zeros (data-headroom.ts). What must
 * hold: the zeros never land on a page LMDB wrote, whatever the order of commits and
 * extensions; the store reads back exactly what was committed after a reopen; a failure to
 * extend is reported and changes nothing else.
 */
import { randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataHeadroom, lmdbUsedBytes } from '../../../core/coordinator/data-headroom.js';
import { createGroupCommit } from '../../../core/coordinator/group-commit.js';
import { openStore, type Store } from '../../../core/coordinator/store.js';
import { createLogger } from '../../../core/log.js';
import { openHarness } from './harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-headroom-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const silent = createLogger('headroom-test', 'silent');

/** Is every byte of `file` from `from` to its end zero? */
function zerosFrom(file: string, from: number): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let at = from; ; ) {
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n === 0) return true;
      if (!buf.subarray(0, n).every((b) => b === 0)) return false;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

describe('data headroom', () => {
  it('a coordinator store opens with its data file extended by written zeros past its last page', async () => {
    const h = await openHarness();
    try {
      await h.svc.createTask({ title: 't' });
      await h.svc.close();
      const file = join(h.dir, 'data', 'data.mdb');
      const store = openStore(join(h.dir, 'data'));
      const used = lmdbUsedBytes(store.root);
      await store.root.close();
      expect(statSync(file).size - used).toBeGreaterThanOrEqual(4 << 20);
      expect(zerosFrom(file, used)).toBe(true);
      // The zeros are not part of the store: it opens and reads as before.
      const svc = await h.reopen();
      expect(svc.listTasks().map((t) => t.title)).toEqual(['t']);
    } finally {
      await h.cleanup();
    }
  });

  it('extensions between commits never overwrite a committed page: every record reads back after a reopen', async () => {
    let store: Store = openStore(join(dir, 'data'));
    // A tiny chunk checked before every batch: an extension between almost every pair of commits.
    const headroom = createDataHeadroom(join(dir, 'data', 'data.mdb'), () => lmdbUsedBytes(store.root), silent, { chunkBytes: 64 << 10, lowWaterBytes: 48 << 10, checkEvery: 1 });
    const commits = createGroupCommit(store.root, { beforeCommit: headroom.topUp });
    const written = new Map<string, string>();
    let extensions = 0;
    let lastSize = statSync(join(dir, 'data', 'data.mdb')).size;
    for (let round = 0; round < 60; round++) {
      // Batches of 1–20 operations, records of 100 B to 6 KiB (overflow pages included).
      const ops = Array.from({ length: 1 + (round % 20) }, (_, i) => {
        const key = `r${round}-${i}`;
        const value = randomBytes(50 + ((round * 997 + i * 131) % 3000)).toString('hex');
        return commits.write(() => {
          void store.artifacts.put(key, value);
          written.set(key, value);
        });
      });
      await Promise.all(ops.map(async (op) => (await op).durable));
      const size = statSync(join(dir, 'data', 'data.mdb')).size;
      if (size !== lastSize) extensions++;
      lastSize = size;
    }
    expect(extensions).toBeGreaterThan(10);
    await commits.drain();
    headroom.close();
    await store.root.close();

    store = openStore(join(dir, 'data'));
    try {
      expect(written.size).toBeGreaterThan(500);
      for (const [key, value] of written) expect(store.artifacts.get(key), key).toBe(value);
      expect([...store.artifacts.getKeys()]).toHaveLength(written.size);
    } finally {
      await store.root.close();
    }
  });

  it('a failure to extend is logged as data_headroom_failed and the commit goes on', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const store = openStore(join(dir, 'data'));
    // A file every write to fails (ENOSPC), as on a full disk.
    const headroom = createDataHeadroom('/dev/full', () => 0, pino({ level: 'info' }, sink), { checkEvery: 1 });
    const commits = createGroupCommit(store.root, { beforeCommit: headroom.topUp });
    try {
      await (await commits.write(() => void store.artifacts.put('k', 'v'))).durable;
      expect(store.artifacts.get('k')).toBe('v');
      expect(lines.map((l) => JSON.parse(l) as { event?: string }).map((l) => l.event)).toContain('data_headroom_failed');
    } finally {
      await commits.drain();
      headroom.close();
      await store.root.close();
    }
  });
});
