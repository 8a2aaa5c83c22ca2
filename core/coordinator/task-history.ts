/**
 * A task's phase history lives in its own records, one per entry; the task record keeps only
 * `history_len` and the summary the gates read (authors, review rounds). Why: re-encoding
 * every past entry inside the task record on each write made a transition cost grow with the
 * number of transitions before it (a task after 45 moves was ~8.6 KB of msgpack: LMDB
 * overflow pages written and freed on every commit).
 *
 * Where: beside the task records (in LMDB's main database, main-db.ts), keyed [task id,
 * HISTORY_TOP - index]. Keys sort as
 * `T-1`, [`T-1`, newest] … [`T-1`, oldest], `T-10`: the entry a transition appends lands right
 * after the task record it rewrites, on the same leaf page. With a database of its own, each
 * commit wrote a second B-tree path (leaf and branch): two more pages to sync, ~50 µs a
 * transition on the 2-core VM.
 *
 * Entries are append-only: entries 0 … history_len - 1 are exactly the history as of a task
 * record with that `history_len`, whenever they are read.
 */
import type { HistoryCache } from './history-cache.js';
import type { HistoryKey, Store } from './store.js';
import type { HistoryEntry, HistorySummary, StoredTask, TaskRecord } from './types.js';

/** History keys count down from here: entry i of task id is [id, HISTORY_TOP - i] (i < 2^32). */
const HISTORY_TOP = 2 ** 32;

/** The key of entry `index` of task `id`. */
export function historyKey(id: string, index: number): HistoryKey {
  return [id, HISTORY_TOP - index];
}

/** A key sorting after every history key of `id` and before the next task id (task-scan.ts). */
export function afterHistoryOf(id: string): HistoryKey {
  return [id, HISTORY_TOP + 1];
}

export const EMPTY_HISTORY: HistorySummary = { history_len: 0, authors: [], review_rounds: 0, last_round: [] };

/** The summary once `entry` is appended. */
export function summaryWith(s: HistorySummary, entry: HistoryEntry): HistorySummary {
  const round = entry.spawned !== undefined && entry.spawned.length > 0 ? entry.spawned : undefined;
  const author = entry.agent_id;
  return {
    history_len: s.history_len + 1,
    authors: author === null || s.authors.includes(author) ? s.authors : [...s.authors, author],
    review_rounds: round === undefined ? s.review_rounds : s.review_rounds + 1,
    last_round: round === undefined ? s.last_round : [...round],
  };
}

/**
 * Writes `entry` as the task's next history record and returns the summary to save with the
 * task. Must run inside the write transaction that saves it: both commit or neither does.
 */
export function appendHistory(store: Store, task: StoredTask, entry: HistoryEntry): HistorySummary {
  void store.history.put(historyKey(task.id, task.history_len), entry);
  return summaryWith(task, entry);
}

/**
 * The history as of `task` (entries appended after that record was read are not included),
 * through `cache` when given (committed records only: see history-cache.ts).
 */
export function historyOf(store: Store, task: Pick<StoredTask, 'id' | 'history_len'>, cache?: HistoryCache): HistoryEntry[] {
  // Stored newest first: read downwards from entry `from` to just before entry `to`.
  const load = (from: number, to: number): HistoryEntry[] =>
    [...store.history.getRange({ start: historyKey(task.id, from), end: historyKey(task.id, to), reverse: true }).map(({ value }) => value)];
  if (cache !== undefined) return cache.read(task.id, task.history_len, load);
  return task.history_len === 0 ? [] : load(0, task.history_len);
}

/** The latest entry (one small read by key), or undefined for a task that never moved. */
export function lastEntry(store: Store, task: Pick<StoredTask, 'id' | 'history_len'>): HistoryEntry | undefined {
  return task.history_len === 0 ? undefined : store.history.get(historyKey(task.id, task.history_len - 1));
}

/**
 * The public task record (SPEC §7): the history read back in, the stored summary (the
 * coordinator's own bookkeeping) left out. Built field by field, in the order the records
 * were always written, so a task serializes to the same JSON as when history lived in the
 * record; the compiler checks the list against TaskRecord (a missing or extra field fails).
 */
export function withHistory(store: Store, t: StoredTask, cache?: HistoryCache): TaskRecord {
  return {
    title: t.title,
    description: t.description,
    acceptance_criteria: t.acceptance_criteria,
    depends_on: t.depends_on,
    workflow: t.workflow,
    priority: t.priority,
    required_capabilities: t.required_capabilities,
    parent_id: t.parent_id,
    id: t.id,
    spawned: t.spawned,
    phase: t.phase,
    status: t.status,
    epoch: t.epoch,
    visit: t.visit,
    phase_evidence: t.phase_evidence,
    claim: t.claim,
    history: historyOf(store, t, cache),
    artifacts: t.artifacts,
    test_lock: t.test_lock,
    pending_approval_id: t.pending_approval_id,
    blockers: t.blockers,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}
