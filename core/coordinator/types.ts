import type { Blocker, Evidence, TestRunEvidence } from '../gates/types.js';

export type TaskStatus = 'pending' | 'claimed' | 'awaiting_approval' | 'paused' | 'completed' | 'failed';

export interface Claim {
  readonly agent_id: string;
  readonly claimed_at: string;
  readonly lease_expires_at: string;
}

export interface HistoryEntry {
  readonly from: string | null;
  readonly to: string;
  readonly at: string;
  readonly agent_id: string | null;
  /** artifact name → sha256 of its canonical JSON (artifacts are stored once by hash). */
  readonly artifacts: Readonly<Record<string, string>>;
  readonly approval_id?: string;
  /** Tasks spawned by this transition's triggers (the review round that gates the next step). */
  readonly spawned?: readonly string[];
  /** seq of the `phase_transition_applied` event this entry was written with. */
  readonly event_seq?: number;
  /** What passed the gate (absent for entries written before evidence was recorded). */
  readonly evidence?: PassedEvidence;
  /** sha256 of the canonical JSON of `evidence`; also in the event and in the next phase token. */
  readonly evidence_digest?: string;
}

/**
 * The evidence a transition passed its gate on, kept with the history entry, signed into the
 * next phase token (as its digest) and published in the transition's event, so a CI job can
 * later check the chain red run → lock → green run → review verdicts → approval.
 */
export interface PassedEvidence {
  readonly from: string;
  readonly to: string;
  readonly gate: string | null;
  readonly checks: readonly string[];
  /** The agent whose request passed the gate. */
  readonly agent_id: string;
  /** The run_tests run the gate judged (tests_failing / tests_passing). */
  readonly test_run?: TestRunEvidence;
  /**
   * The test lock taken here (`locked`, lock_tests) or held to (`held`, tests_unchanged):
   * sha256 of its canonical JSON and how many files it covers.
   */
  readonly test_lock?: { readonly action: 'locked' | 'held'; readonly sha256: string; readonly files: number };
  /** The spawned reviews the gate looked at (reviews_complete / no_blocking_issues). */
  readonly reviews?: readonly ReviewVerdict[];
  /** The sidecar's audit chain head sent with the request. */
  readonly audit_head?: { readonly seq: number; readonly hash: string };
  /** Set when a human approved the transition. */
  readonly approval?: { readonly id: string; readonly decided_at: string; readonly decided_by: string | null; readonly event_seq: number };
}

export interface ReviewVerdict {
  readonly task_id: string;
  readonly agent_id: string | null;
  readonly verdict: string | null;
  readonly blocking: number;
  /** sha256 of the review artifact. */
  readonly review: string | null;
  /** seq of the event that completed the review task. */
  readonly event_seq: number | null;
}

export interface TaskRecord {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly acceptance_criteria: readonly string[];
  readonly depends_on: readonly string[];
  readonly workflow: string;
  readonly priority: number;
  /** Capabilities an agent must offer to claim this task (e.g. `review`). */
  readonly required_capabilities: readonly string[];
  readonly parent_id: string | null;
  readonly spawned: readonly string[];
  readonly phase: string;
  readonly status: TaskStatus;
  readonly epoch: number;
  /**
   * Transitions applied so far; the number of the current phase visit. Evidence belongs to one
   * visit (SPEC §8): runs recorded under another visit number never count.
   */
  readonly visit: number;
  /** Digest of the evidence that passed the gate into the current phase (null: none). */
  readonly phase_evidence: string | null;
  readonly claim: Claim | null;
  readonly history: readonly HistoryEntry[];
  /** Latest artifact of each name → sha256. */
  readonly artifacts: Readonly<Record<string, string>>;
  readonly test_lock: Readonly<Record<string, string>> | null;
  readonly pending_approval_id: string | null;
  readonly blockers: readonly Blocker[];
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * What the coordinator keeps from a task's history in the task record itself, so a transition
 * reads a few fields instead of every past entry (the entries live in their own records,
 * keyed [task id, index]; see task-history.ts).
 */
export interface HistorySummary {
  /** Number of history entries: they are keyed [id, 0] … [id, history_len - 1]. */
  readonly history_len: number;
  /** Distinct agent ids that moved the task, first mover first. */
  readonly authors: readonly string[];
  /** How many entries spawned tasks (review rounds started). */
  readonly review_rounds: number;
  /** The tasks spawned by the latest such entry ([] before the first round). */
  readonly last_round: readonly string[];
}

/** A task as stored: the public record without `history`, plus the summary of it. */
export type StoredTask = Omit<TaskRecord, 'history'> & HistorySummary;

export interface ApprovalRecord {
  readonly id: string;
  readonly task_id: string;
  readonly from: string;
  readonly to: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly requested_at: string;
  readonly requested_by: string;
  readonly artifacts: Readonly<Record<string, string>>;
  readonly decided_at: string | null;
  readonly note: string | null;
  readonly reason: string | null;
  /** Who decided: `ROLE:KEY-FINGERPRINT` plus `(operator name)` when the caller named one; null while pending. */
  readonly decided_by?: string | null;
  /** Workspace paths the requesting sidecar saw this task change (its own record, not the agent's word). */
  readonly files_changed?: readonly string[];
}

export type EventType =
  | 'task_created'
  | 'task_claimed'
  | 'task_released'
  | 'lease_expired'
  | 'phase_transition_applied'
  | 'phase_transition_blocked'
  | 'approval_requested'
  | 'approval_decided'
  | 'task_paused'
  | 'task_resumed'
  | 'task_spawned'
  | 'task_cancelled'
  | 'audit_checkpoint';

export interface CoordEvent {
  readonly seq: number;
  readonly ts: string;
  readonly type: EventType;
  readonly task_id: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Request/response bodies of SPEC §7 that the sidecar and SDK share. */
export interface ClaimRequest {
  readonly agent_id: string;
  readonly capabilities?: readonly string[];
  readonly task_id?: string;
}
export interface ClaimResponse {
  readonly task: TaskRecord;
  readonly phase_token: string;
  readonly lease_expires_at: string;
}
export interface TransitionRequest {
  readonly current_phase: string;
  readonly target_phase: string;
  readonly phase_token: string;
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly evidence: Evidence;
}
export interface TransitionResponse {
  readonly allowed: boolean;
  readonly phase?: string;
  readonly new_token?: string;
  readonly blockers?: readonly Blocker[];
  readonly status?: 'awaiting_approval';
  readonly approval_id?: string;
}
export interface SnapshotResponse {
  readonly task_dependencies: Readonly<Record<string, readonly string[]>>;
  readonly completed_tasks: readonly string[];
  readonly blockers: readonly Blocker[];
}

export interface NewTask {
  readonly title: string;
  readonly description?: string;
  readonly acceptance_criteria?: readonly string[];
  readonly depends_on?: readonly string[];
  readonly workflow?: string;
  readonly priority?: number;
  readonly required_capabilities?: readonly string[];
}

export interface AuditCheckpoint {
  readonly agent_id: string;
  readonly task_id: string | null;
  readonly seq: number;
  readonly hash: string;
}

/**
 * The coordinator's state engine, independent of HTTP. Every mutating method is one LMDB
 * transaction and resolves only after the commit is flushed to disk. Failures throw
 * PhasegateError with a stable code (not_found, conflict, task_not_claimable, no_task,
 * invalid_body, token_*, approval_not_pending) and change nothing.
 */
export interface CoordinatorService {
  createTask(input: NewTask): Promise<TaskRecord>;
  listTasks(): TaskRecord[];
  getTask(id: string): TaskRecord | undefined;
  /** Tasks per status, from counters kept with every task write (O(1) in the number of tasks). */
  taskCounts(): Record<TaskStatus, number>;
  claim(req: ClaimRequest): Promise<ClaimResponse>;
  transition(req: TransitionRequest): Promise<TransitionResponse>;
  heartbeat(taskId: string, agentId: string): Promise<{ lease_expires_at: string }>;
  release(taskId: string, agentId: string | null): Promise<TaskRecord>;
  refresh(token: string): Promise<string>;
  snapshot(token: string): Promise<SnapshotResponse>;
  pause(taskId: string, reason: string): Promise<TaskRecord>;
  resume(taskId: string): Promise<TaskRecord>;
  listApprovals(status?: ApprovalRecord['status']): ApprovalRecord[];
  /** `decidedBy` says who decided (recorded on the approval and in its event). */
  approve(id: string, note?: string, decidedBy?: string): Promise<ApprovalRecord>;
  reject(id: string, reason: string, decidedBy?: string): Promise<ApprovalRecord>;
  /** Ends a task for good (status `failed`): its claim ends (epoch + 1), a pending approval is rejected. */
  cancel(taskId: string, reason: string, decidedBy?: string): Promise<TaskRecord>;
  /** A stored artifact by the sha256 a task or approval names, or undefined. */
  artifact(sha256: string): unknown;
  recordCheckpoint(cp: AuditCheckpoint): Promise<void>;
  checkpoints(agentId?: string): AuditCheckpoint[];
  /** Events with seq > since, oldest first, at most `limit`; `head` is the latest committed seq. */
  events(since: number, limit?: number): { events: CoordEvent[]; next: number; head: number };
  /** Called after each committed event, in seq order. Returns an unsubscribe function. */
  subscribe(listener: (event: CoordEvent) => void): () => void;
  /** Expires overdue leases now (also runs on an internal timer). Returns how many expired. */
  expireLeases(): Promise<number>;
  close(): Promise<void>;
}

/*
 * Event `data` shapes (stable; the sidecar relies on them):
 *   task_created {title, workflow, parent_id}
 *   task_claimed {agent_id, epoch, phase}
 *   task_released {agent_id, epoch}            epoch = the new epoch
 *   lease_expired {agent_id, epoch}            epoch = the new epoch
 *   phase_transition_applied {from, to, epoch, visit, agent_id, approval_id?, evidence?, evidence_digest?}
 *                                             visit = the task's visit counter after the move
 *   phase_transition_blocked {from, to, blockers}
 *   approval_requested {approval_id, from, to}
 *   approval_decided {approval_id, decision: 'approved'|'rejected', note?, reason?, decided_by?}
 *   task_cancelled {reason, agent_id, epoch, decided_by?, parent_id?}   epoch = the new epoch;
 *                                             parent_id: a review task of a superseded round (decided_by 'coordinator')
 *   task_paused {reason} / task_resumed {}
 *   task_spawned {parent_id, child_id, workflow}
 *   audit_checkpoint {agent_id, seq, hash}
 * Tokens never travel in events: after phase_transition_applied the sidecar calls
 * token refresh, which issues a token for the task's current phase when the presented
 * token's signature is valid, its epoch is the task's epoch and its sub holds the claim.
 */
