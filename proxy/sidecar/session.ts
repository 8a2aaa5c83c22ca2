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

/** idle: nothing claimed; active: holding the task; paused: operator paused it; lost: lease gone. */
export type SessionState = 'idle' | 'active' | 'paused' | 'lost';

/** Enough runs for any gate (they look at the latest run of the phase) without unbounded growth. */
const MAX_TEST_RUNS = 100;

export class Session {
  state: SessionState = 'idle';
  task: TaskRecord | undefined;
  assignment: Assignment | undefined;
  token: string | undefined;
  policy: BoundPolicy | undefined;
  leaseExpiresAt: string | undefined;
  pausedReason: string | undefined;
  readonly testRuns: TestRunEvidence[] = [];

  constructor(
    private readonly contract: CompiledContract,
    readonly agentId: string,
    private readonly mode: EnforcementMode | undefined,
  ) {}

  /** A claim succeeded: the token's signed claims say which phase and epoch we hold. */
  adopt(task: TaskRecord, token: string, claims: PhaseClaims, leaseExpiresAt: string): void {
    this.task = task;
    this.leaseExpiresAt = leaseExpiresAt;
    this.state = task.status === 'paused' ? 'paused' : 'active';
    this.pausedReason = undefined;
    this.bind(claims.phase, claims.epoch, token);
  }

  /** The task moved to `phase` (our transition, or an approval landing) and `token` is its token. */
  advance(claims: PhaseClaims, token: string, at: string, approvalId?: string): void {
    const from = this.assignment?.phase ?? null;
    this.bind(claims.phase, claims.epoch, token);
    if (this.task === undefined || from === claims.phase) return;
    const entry: HistoryEntry = { from, to: claims.phase, at, agent_id: this.agentId, artifacts: {}, ...(approvalId === undefined ? {} : { approval_id: approvalId }) };
    const status: TaskStatus = this.workflow()?.terminalPhases.has(claims.phase) === true ? 'completed' : 'claimed';
    this.task = { ...this.task, phase: claims.phase, epoch: claims.epoch, status, pending_approval_id: null, history: [...this.task.history, entry] };
  }

  setStatus(status: TaskStatus): void {
    if (this.task !== undefined) this.task = { ...this.task, status };
  }

  pause(reason: string): void {
    if (this.state !== 'active') return;
    this.state = 'paused';
    this.pausedReason = reason;
    this.setStatus('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'active';
    this.pausedReason = undefined;
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

  recordTestRun(run: TestRunEvidence): void {
    this.testRuns.push(run);
    if (this.testRuns.length > MAX_TEST_RUNS) this.testRuns.splice(0, this.testRuns.length - MAX_TEST_RUNS);
  }

  /** Runs of the current claim only: a previous holder's (or claim's) runs are not evidence for this one. */
  currentTestRuns(): TestRunEvidence[] {
    const epoch = this.assignment?.epoch;
    return this.testRuns.filter((r) => r.epoch === epoch);
  }

  private bind(phase: string, epoch: number, token: string): void {
    const task = this.task;
    if (task === undefined) return;
    const changed = this.assignment?.phase !== phase || this.assignment.epoch !== epoch || this.policy === undefined;
    this.token = token;
    if (!changed) return;
    this.assignment = { agentId: this.agentId, taskId: task.id, workflow: task.workflow, phase, epoch };
    // Rebound on every phase or epoch change: decide() trusts the assignment it was bound with.
    this.policy = bindPolicy(this.contract, this.assignment, this.mode === undefined ? {} : { mode: this.mode });
  }
}
