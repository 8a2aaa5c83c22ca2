/**
 * The coordinator's LMDB environment. Tasks, their history and the event log live in the main
 * database (main-db.ts: what a transition writes, in as few B-trees as possible); every other
 * kind of record has a named database of its own. Records are msgpack (lmdb-js default); keys
 * are strings, integers or arrays (ordered-binary).
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { createEventSeq, type EventSeq } from './event-seq.js';
import { forgetStructures, recordsOf, savedStructures } from './main-db.js';
import type { AuditCheckpoint, ApprovalRecord, CoordEvent, HistoryEntry, PassedEvidence, StoredTask } from './types.js';

/** What a parked (approval) transition needs again when it is finally applied. */
export interface ParkedEvidence {
  readonly test_hashes: Readonly<Record<string, string>>;
  /** What passed the gate at request time; the approval is added to it when it is decided. */
  readonly evidence?: PassedEvidence;
}

/** [agent_id, audit seq, audit hash]: two different hashes for one seq are both kept (that is the tamper evidence). */
export type CheckpointKey = [string, number, string];

/**
 * [task id, HISTORY_TOP - index] (task-history.ts): beside the task records, right after the
 * task's own record, newest entry first.
 */
export type HistoryKey = [string, number];

/** [-priority, created_at, id ordinal, id]: iteration order is claim order (priority desc, oldest first). */
export type PendingKey = [number, string, number, string];

export interface Store {
  readonly root: RootDatabase;
  /**
   * Task records without their history (see `history`), in the main database (main-db.ts),
   * whose keys are also history keys, event seqs and catalog names: scan tasks with
   * `taskRecords` (task-scan.ts), never with an unbounded `getRange`.
   */
  readonly tasks: Database<StoredTask, string>;
  /**
   * One record per history entry, in the same database as the task records, each right
   * after its task's record (see task-history.ts): a transition appends one small record
   * instead of re-encoding every past entry inside the task record, and the record and the
   * entry it writes share a leaf page, so the commit writes one B-tree path instead of two.
   */
  readonly history: Database<HistoryEntry, HistoryKey>;
  /** sha256 of canonical JSON → artifact value, written once. */
  readonly artifacts: Database<unknown, string>;
  readonly approvals: Database<ApprovalRecord, string>;
  readonly parked: Database<ParkedEvidence, string>;
  /** The event log, keyed by seq, in the main database: read it within [seq, EVENTS_END) (main-db.ts). */
  readonly events: Database<CoordEvent, number>;
  readonly checkpoints: Database<AuditCheckpoint, CheckpointKey>;
  /** Counters: event seq and id sequences. */
  readonly meta: Database<number, string>;
  /** Claim order of pending tasks. */
  readonly pendingIndex: Database<true, PendingKey>;
  /** Live claims by expiry: [lease_expires_at, id] → true. */
  readonly leaseIndex: Database<true, [string, string]>;
  /** The next event seq (the event log's last key + 1, kept between operations). */
  readonly eventSeq: EventSeq;
  /** Before each batch of writes (the group commit's `beforeCommit`): notes how many msgpack structures each kind holds. */
  markStructures(): void;
  /**
   * After anything rolled back (the group commit's `onRollback`): drops what the store keeps
   * in memory that a rolled-back write may have changed — the next event seq, and the msgpack
   * structures of a kind that added some since `markStructures` (main-db.ts).
   */
  rolledBack(): void;
}

/** The page size a new data dir is created with. */
export const STORE_PAGE_SIZE = 8192;

export function openStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // overlappingSync (the Linux default) is stated so the environment is the same everywhere;
  // the group commit syncs either way (see group-commit.ts). Every operation answers only
  // after its commit's sync.
  // 8 KiB pages (new data dirs only; LMDB keeps an existing file's page size): the main
  // database's tree stays two levels deep for longer, so a transition writes ≈ 3.9 pages per
  // commit instead of ≈ 4.9, and the sync costs per page written far more than per byte
  // (fdatasync median 159 µs against 181, by `perf trace`; docs/operations.md).
  const root = open({ path: dataDir, maxDbs: 16, overlappingSync: true, pageSize: STORE_PAGE_SIZE });
  // Three handles on the main database, one per kind of record, each with its own msgpack
  // structures. Data dirs of earlier builds are moved in at open (main-db-migration.ts).
  const tasks = recordsOf<StoredTask, string>(root, 'tasks');
  const history = recordsOf<HistoryEntry, HistoryKey>(root, 'history');
  const events = recordsOf<CoordEvent, number>(root, 'events');
  const eventSeq = createEventSeq(events);
  const kinds = [tasks, history, events] as const;
  let marked = kinds.map(savedStructures);
  return {
    root,
    tasks,
    history,
    artifacts: root.openDB<unknown, string>('artifacts', {}),
    approvals: root.openDB<ApprovalRecord, string>('approvals', {}),
    parked: root.openDB<ParkedEvidence, string>('parked', {}),
    events,
    checkpoints: root.openDB<AuditCheckpoint, CheckpointKey>('checkpoints', {}),
    meta: root.openDB<number, string>('meta', {}),
    pendingIndex: root.openDB<true, PendingKey>('pending_index', {}),
    leaseIndex: root.openDB<true, [string, string]>('lease_index', {}),
    eventSeq,
    markStructures() {
      marked = kinds.map(savedStructures);
    },
    rolledBack() {
      eventSeq.forget();
      // Only a kind that added structures since the batch began can hold one that never committed.
      forgetStructures(...kinds.filter((handle, i) => savedStructures(handle) !== marked[i]));
    },
  };
}
