/**
 * What this sidecar knows about its task: the assignment (task, workflow, phase, epoch), the
 * current token, the policy bound to that phase, and the evidence it observed itself.
 * Kept current by claims, transitions, coordinator events and lease loss.
 */
import type { CompiledContract, CompiledWorkflow, EnforcementMode } from '../../core/contract/types.js';
import type { HistoryEntry, TaskRecord, TaskStatus } from '../../core/coordinator/types.js';
import type { TestRunEvidence } from '../../core/gates/types.js';
import { bindPolicy } from '../../core/policy/index.js';
import type { Assignment, BoundPolicy } from '../../core/policy/types.js';
import type { PhaseClaims } from '../../core/tokens/types.js';

/**
 * idle: nothing claimed; active: holding the task; paused: operator paused it; lost: lease
 * gone; done: the task reached a terminal phase (the coordinator gives the claim back then),
 * calls are still decided by the terminal phase's rules and `task.claim` takes a new task.
 */
export type SessionState = 'idle' | 'active' | 'paused' | 'lost' | 'done';

/** Enough runs for any gate (they look at the latest run of the phase) without unbounded growth. */
const MAX_TEST_RUNS = 100;

export class Session {
  state: SessionState = 'idle';
  task: TaskRecord | undefined;
  assignment: Assignment | undefined;
  token: string | undefined;
  policy: BoundPolicy | undefined;
  leaseExpiresAt: string | undefined;
  readonly testRuns: TestRunEvidence[] = [];
  /**
   * The files of the task's test lock (every file test_globs or test_config matched when the
   * lock was taken), or empty before the task is locked: read-only inside the command sandbox
   * (SPEC §11, tool-exec.ts `confinement`). Set from the claimed task's `test_lock`, and by our
   * own lock_tests transition (lockTests).
   */
  lockedTests: readonly string[] = [];
  /** A lock_tests transition parked for approval: its files become the lock when the task reaches `to`. */
  #pendingLock: { to: string; files: readonly string[] } | undefined;

  constructor(
    private readonly contract: CompiledContract,
    readonly agentId: string,
    private readonly mode: EnforcementMode | undefined,
    /** Workspace-relative real paths of the loaded contract file: always protected. */
    private readonly contractPaths: readonly string[] = [],
  ) {}

  /** A claim succeeded: the token's signed claims say which phase and epoch we hold. */
  adopt(task: TaskRecord, token: string, claims: PhaseClaims, leaseExpiresAt: string): void {
    // Runs of another task or claim are not evidence for this one (phase names and epochs repeat across tasks).
    if (this.task?.id !== task.id || this.assignment?.epoch !== claims.epoch) this.testRuns.length = 0;
    this.task = task;
    this.lockedTests = task.test_lock === null ? [] : Object.keys(task.test_lock).sort();
    this.#pendingLock = undefined;
    this.leaseExpiresAt = leaseExpiresAt;
    this.state = task.status === 'paused' ? 'paused' : 'active';
    this.bind(claims.phase, claims.epoch, claims.visit, token);
  }

  /** The task moved to `phase` (our transition, or an approval landing) and `token` is its token. */
  advance(claims: PhaseClaims, token: string, at: string, approvalId?: string): void {
    const from = this.assignment?.phase ?? null;
    this.bind(claims.phase, claims.epoch, claims.visit, token);
    if (this.#pendingLock?.to === claims.phase) {
      this.lockedTests = this.#pendingLock.files;
      this.#pendingLock = undefined;
    }
    if (this.task === undefined || from === claims.phase) return;
    const entry: HistoryEntry = { from, to: claims.phase, at, agent_id: this.agentId, artifacts: {}, ...(approvalId === undefined ? {} : { approval_id: approvalId }) };
    const terminal = this.isTerminal(claims.phase);
    if (terminal) this.state = 'done';
    this.task = {
      ...this.task,
      phase: claims.phase,
      epoch: claims.epoch,
      ...(claims.visit === undefined ? {} : { visit: claims.visit }),
      phase_evidence: claims.evidence ?? null,
      status: terminal ? 'completed' : 'claimed',
      pending_approval_id: null,
      history: [...this.task.history, entry],
    };
  }

  /**
   * An approval moved the task into a terminal phase: the coordinator released the claim, so
   * no token for it exists. Tokens of the earlier phase are superseded from here on.
   */
  finish(phase: string, at: string, approvalId?: string): void {
    const a = this.assignment;
    const token = this.token;
    if (a === undefined || this.task === undefined || token === undefined) return;
    const entry: HistoryEntry = { from: a.phase, to: phase, at, agent_id: this.agentId, artifacts: {}, ...(approvalId === undefined ? {} : { approval_id: approvalId }) };
    this.task = { ...this.task, phase, status: 'completed', claim: null, pending_approval_id: null, history: [...this.task.history, entry] };
    this.bind(phase, a.epoch, a.visit, token);
    this.state = 'done';
  }

  isTerminal(phase: string): boolean {
    return this.workflow()?.terminalPhases.has(phase) === true;
  }

  setStatus(status: TaskStatus): void {
    if (this.task !== undefined) this.task = { ...this.task, status };
  }

  pause(): void {
    if (this.state !== 'active') return;
    this.state = 'paused';
    this.setStatus('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'active';
    this.setStatus('claimed');
  }

  /** The lease is gone: nothing this session holds may be used again. */
  lose(): void {
    this.state = 'lost';
    this.token = undefined;
    this.policy = undefined;
  }

  workflow(): CompiledWorkflow | undefined {
    return this.assignment === undefined ? undefined : this.contract.workflows.get(this.assignment.workflow);
  }

  /** Our transition took the test lock (now, or once an approval lands in `to`). */
  lockTests(files: readonly string[], to?: string): void {
    const sorted = [...files].sort();
    if (to === undefined) this.lockedTests = sorted;
    else this.#pendingLock = { to, files: sorted };
  }

  recordTestRun(run: TestRunEvidence): void {
    this.testRuns.push(run);
    if (this.testRuns.length > MAX_TEST_RUNS) this.testRuns.splice(0, this.testRuns.length - MAX_TEST_RUNS);
  }

  /** Runs of the current claim only: a previous holder's (or claim's) runs are not evidence for this one. */
  currentTestRuns(): TestRunEvidence[] {
    const epoch = this.assignment?.epoch;
    return this.testRuns.filter((r) => r.epoch === epoch);
  }

  private bind(phase: string, epoch: number, visit: number | undefined, token: string): void {
    const task = this.task;
    if (task === undefined) return;
    const a = this.assignment;
    const changed = a?.phase !== phase || a.epoch !== epoch || a.visit !== visit || this.policy === undefined;
    this.token = token;
    if (!changed) return;
    // `visit` comes from the signed token: runs are recorded under it and only count in that visit.
    this.assignment = { agentId: this.agentId, taskId: task.id, workflow: task.workflow, phase, epoch, ...(visit === undefined ? {} : { visit }) };
    // Rebound on every phase or epoch change: decide() trusts the assignment it was bound with.
    this.policy = bindPolicy(this.contract, this.assignment, { contractPaths: this.contractPaths, ...(this.mode !== undefined && { mode: this.mode }) });
  }
}
