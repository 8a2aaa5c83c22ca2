/**
 * Secondary indexes kept in step with task writes, so claims and lease expiry read a short
 * ordered range instead of scanning every task ever created.
 *
 * The lease index holds, for every claimed task, at least one entry [t, id] with t no later
 * than the task's lease expiry; an entry may be older than the lease, or outlive the claim.
 * Written when a task becomes claimed, not when its lease is renewed: a transition or a
 * heartbeat then writes no index page (one B-tree path less to sync per commit, ~20 µs a
 * transition on the 2-core VM). Whoever reads an entry checks the task itself (leaseExpired),
 * and the lease timer moves a renewed entry to the lease's real expiry, or drops it once the
 * task is no longer claimed (leases.ts).
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
export function leaseKey(t: StoredTask | undefined): [string, string] | undefined {
  return t?.status === 'claimed' && t.claim !== null ? [t.claim.lease_expires_at, t.id] : undefined;
}

/**
 * Does `next` need a lease-index entry of its own? When it becomes claimed, and when its lease
 * ends earlier than the one before (a clock set back): the entry it has may then be later than
 * the new lease, no longer a bound from below. A renewal (a later lease) keeps the entry it has.
 */
function needsLeaseEntry(prev: [string, string] | undefined, next: [string, string] | undefined): next is [string, string] {
  return next !== undefined && (prev === undefined || next[0] < prev[0]);
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
  const newL = leaseKey(next);
  if (needsLeaseEntry(leaseKey(prev), newL)) void store.leaseIndex.put(newL, true);
}
