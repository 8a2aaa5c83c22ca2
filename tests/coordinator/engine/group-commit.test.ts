/** The group commit on a real LMDB: one transaction per turn, and a failing operation rolls back alone. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../core/coordinator/group-commit.js';

let dir: string;
let root: RootDatabase;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-gc-'));
  root = open({ path: dir });
});
afterEach(async () => {
  await root.close();
  await rm(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('an operation that throws after writing keeps none of its writes; its neighbours in the batch commit', async () => {
    const gc = createGroupCommit(root);
    const ok1 = gc.write(() => void root.put('a', 1));
    const bad = gc.write(() => {
      void root.put('b', 2);
      void root.put('a', 99);
      throw new Error('refused halfway');
    });
    const ok2 = gc.write(() => root.get('a'));
    await (await ok1).durable;
    await expect(bad).rejects.toThrow('refused halfway');
    expect((await ok2).value).toBe(1);
    expect(root.get('a')).toBe(1);
    expect(root.get('b')).toBeUndefined();
  });

  it('an operation alone in its batch that throws after writing keeps none of its writes, and the next one commits', async () => {
    const gc = createGroupCommit(root);
    await (await gc.write(() => void root.put('a', 1))).durable;
    await expect(
      gc.write(() => {
        void root.put('b', 2);
        void root.put('a', 99);
        throw new Error('refused halfway');
      }),
    ).rejects.toThrow('refused halfway');
    expect(root.get('a')).toBe(1);
    expect(root.get('b')).toBeUndefined();
    const next = await gc.write(() => (void root.put('c', 3), root.get('a')));
    await next.durable;
    expect(next.value).toBe(1);
    expect(root.get('c')).toBe(3);
  });

  it('operations queued in one turn share one write transaction and run in queue order', async () => {
    const gc = createGroupCommit(root);
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => gc.write(() => {
      void root.put(`k${i}`, (root.get('counter') ?? 0) as number);
      void root.put('counter', ((root.get('counter') ?? 0) as number) + 1);
      return root.getWriteTxnId();
    })));
    expect(new Set(ids.map((c) => c.value)).size).toBe(1);
    expect(Array.from({ length: 100 }, (_, i) => root.get(`k${i}`))).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('after-flush work runs in commit order across batches', async () => {
    const gc = createGroupCommit(root);
    const order: number[] = [];
    const first = Array.from({ length: 5 }, (_, i) => gc.write(() => void root.put(`x${i}`, i), () => order.push(i)));
    await new Promise((r) => setImmediate(r));
    const second = Array.from({ length: 5 }, (_, i) => gc.write(() => void root.put(`y${i}`, i), () => order.push(5 + i)));
    await Promise.all([...first, ...second].map(async (p) => (await p).durable));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
