/** The handle an operation gets inside its write transaction: the clock reading, event emission, task saves and history, ids, artifacts. */
import { canonicalSha256 } from '../contract/index.js';
import { nextId, type IdPrefix } from './ids.js';
import type { Store } from './store.js';
import { saveTask } from './task-index.js';
import { appendHistory } from './task-history.js';
import type { CoordEvent, EventType, HistoryEntry, HistorySummary, StoredTask } from './types.js';

export interface WriteTx {
  /** One clock reading per operation, so every timestamp it writes agrees. */
  readonly nowMs: number;
  readonly nowIso: string;
  /** Events appended by this operation, in seq order (published after the flush). */
  readonly events: readonly CoordEvent[];
  emit(type: EventType, taskId: string | null, data: Record<string, unknown>): void;
  saveTask(prev: StoredTask | undefined, next: StoredTask): void;
  /** Writes `entry` as the task's next history record; returns the summary to save with the task. */
  appendHistory(task: StoredTask, entry: HistoryEntry): HistorySummary;
  nextId(prefix: IdPrefix): string;
  /** Stores an artifact once under the sha256 of its canonical JSON; returns the hash. */
  putArtifact(value: unknown): string;
}

export function beginTx(store: Store, nowMs: number): WriteTx {
  const nowIso = new Date(nowMs).toISOString();
  const events: CoordEvent[] = [];
  return {
    nowMs,
    nowIso,
    events,
    emit(type, taskId, data) {
      const seq = store.eventSeq.next();
      const event: CoordEvent = { seq, ts: nowIso, type, task_id: taskId, data };
      void store.events.put(seq, event);
      events.push(event);
    },
    saveTask: (prev, next) => saveTask(store, prev, next),
    appendHistory: (task, entry) => appendHistory(store, task, entry),
    nextId: (prefix) => nextId(store.meta, prefix),
    putArtifact(value) {
      const hash = canonicalSha256(value);
      if (!store.artifacts.doesExist(hash)) void store.artifacts.put(hash, value);
      return hash;
    },
  };
}
