/** Lease expiry: a claim whose holder stopped heartbeating is taken back, and its tokens die with the epoch bump. */
import type { Logger } from '../log.js';
import { leaseExpired } from './claim-check.js';
import { leaseKey } from './task-index.js';
import type { Engine } from './engine.js';
import type { StoredTask } from './types.js';
import type { WriteTx } from './write-tx.js';

/** Back to pending in the phase it had; epoch + 1; event lease_expired. */
export function expireClaim(tx: WriteTx, task: StoredTask): StoredTask {
  const next: StoredTask = { ...task, status: 'pending', claim: null, epoch: task.epoch + 1, updated_at: tx.nowIso };
  tx.saveTask(task, next);
  tx.emit('lease_expired', task.id, { agent_id: task.claim?.agent_id ?? null, epoch: next.epoch });
  return next;
}

/**
 * Takes back every claim whose lease ran out, and tidies the lease index on the way: an entry
 * that came due for a lease since renewed moves to the lease's real expiry, and one for a task
 * no longer claimed is dropped (task-index.ts says why entries lag behind renewals).
 */
export async function expireLeases(engine: Engine): Promise<number> {
  const { store } = engine;
  const done = await engine.mutate((tx) => {
    // Collect first, then write: the loop must not move index entries under its own cursor.
    // By id: a task with two due entries is expired once.
    const due = new Map<string, StoredTask>();
    const seen: [string, string][] = [];
    const renewed: [string, string][] = [];
    for (const entry of store.leaseIndex.getKeys()) {
      if (Date.parse(entry[0]) > tx.nowMs) break; // ordered by expiry: the rest are not due
      seen.push(entry);
      const task = store.tasks.get(entry[1]);
      if (task === undefined) continue;
      if (leaseExpired(task, tx.nowMs)) due.set(task.id, task);
      else {
        const live = leaseKey(task);
        if (live !== undefined) renewed.push(live);
      }
    }
    for (const entry of seen) void store.leaseIndex.remove(entry);
    for (const entry of renewed) void store.leaseIndex.put(entry, true);
    for (const task of due.values()) expireClaim(tx, task);
    return due.size;
  });
  await done.durable;
  return done.value;
}

/** Runs `expireLeases` every `everyMs` (unref'd: it never keeps the process alive); returns the stop function. */
export function startLeaseTimer(engine: Engine, everyMs: number, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    expireLeases(engine)
      .catch((err: unknown) => logger.error({ err }, 'lease_check_failed'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
