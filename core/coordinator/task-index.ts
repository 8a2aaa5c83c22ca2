/**
 * Secondary indexes kept in step with every task write, so claims and lease expiry read a
 * short ordered range instead of scanning every task ever created.
 */
import { idOrdinal } from './ids.js';
import type { PendingKey, Store } from './store.js';
import { countTaskChange } from './task-counts.js';
import type { StoredTask } from './types.js';

function pendingKey(t: StoredTask | undefined): PendingKey | undefined {
  // `0 - p`, not `-p`: -0 does not survive lmdb's ordered-binary key encoding.
  return t?.status === 'pending' ? [0 - t.priority, t.created_at, idOrdinal(t.id), t.id] : undefined;
}

/** Only `claimed` tasks have a running lease: paused and awaiting-approval tasks wait on a human, not the agent. */
function leaseKey(t: StoredTask | undefined): [string, string] | undefined {
  return t?.status === 'claimed' && t.claim !== null ? [t.claim.lease_expires_at, t.id] : undefined;
}

function sameKey(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]));
}

/** Writes `next` and moves its index entries and status counters; must run inside a write transaction. */
export function saveTask(store: Store, prev: StoredTask | undefined, next: StoredTask): void {
  void store.tasks.put(next.id, next);
  countTaskChange(store, prev, next);
  const [oldP, newP] = [pendingKey(prev), pendingKey(next)];
  if (!sameKey(oldP, newP)) {
    if (oldP) void store.pendingIndex.remove(oldP);
    if (newP) void store.pendingIndex.put(newP, true);
  }
  const [oldL, newL] = [leaseKey(prev), leaseKey(next)];
  if (!sameKey(oldL, newL)) {
    if (oldL) void store.leaseIndex.remove(oldL);
    if (newL) void store.leaseIndex.put(newL, true);
  }
}
