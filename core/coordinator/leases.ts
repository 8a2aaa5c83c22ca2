/** Lease expiry: a claim whose holder stopped heartbeating is taken back, and its tokens die with the epoch bump. */
import type { Logger } from '../log.js';
import { leaseExpired } from './claim-check.js';
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

export async function expireLeases(engine: Engine): Promise<number> {
  const done = await engine.mutate((tx) => {
    // Collect first, then write: the loop must not move index entries under its own cursor.
    const due: StoredTask[] = [];
    for (const [until, id] of engine.store.leaseIndex.getKeys()) {
      if (Date.parse(until) > tx.nowMs) break; // ordered by expiry: the rest are live
      const task = engine.store.tasks.get(id);
      if (task !== undefined && leaseExpired(task, tx.nowMs)) due.push(task);
    }
    for (const task of due) expireClaim(tx, task);
    const n = due.length;
    return n;
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
