/**
 * Tasks per status, kept as counters in the same transaction as every task write, so
 * `/metrics` reads six numbers instead of walking every task ever created (O(1) in the
 * number of tasks), and the counts can never disagree with the tasks they count.
 */
import type { Store } from './store.js';
import { taskRecords } from './task-scan.js';
import type { StoredTask, TaskStatus } from './types.js';

export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'claimed', 'awaiting_approval', 'paused', 'completed', 'failed'];

/** Marks a store whose counters are complete (a store written before counters existed is counted once, at open). */
const COUNTED = 'task_counts_v1';
const key = (status: TaskStatus): string => `tasks_${status}`;

/** Moves one task between counters; must run inside the write transaction that saves it. */
export function countTaskChange(store: Store, prev: StoredTask | undefined, next: StoredTask): void {
  if (prev?.status === next.status) return;
  if (prev !== undefined) void store.meta.put(key(prev.status), (store.meta.get(key(prev.status)) ?? 0) - 1);
  void store.meta.put(key(next.status), (store.meta.get(key(next.status)) ?? 0) + 1);
}

/** Counts every task once if the store predates the counters (one scan at open, never per scrape). */
export function ensureTaskCounts(store: Store): void {
  if (store.meta.get(COUNTED) === 1) return;
  store.root.transactionSync(() => {
    const counts = new Map<TaskStatus, number>(TASK_STATUSES.map((s) => [s, 0]));
    for (const { value } of taskRecords(store)) counts.set(value.status, (counts.get(value.status) ?? 0) + 1);
    for (const [status, n] of counts) void store.meta.put(key(status), n);
    void store.meta.put(COUNTED, 1);
  });
}

export function taskCounts(store: Store): Record<TaskStatus, number> {
  const out = {} as Record<TaskStatus, number>;
  for (const status of TASK_STATUSES) out[status] = store.meta.get(key(status)) ?? 0;
  return out;
}
