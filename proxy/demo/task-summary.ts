import type { CompiledContract } from '../../core/contract/types.js';
import type { TaskRecord } from '../../core/coordinator/types.js';

/** The gate one applied transition passed, with its built-in checks. */
export interface GatePassed {
  readonly from: string;
  readonly to: string;
  readonly gate: string;
  readonly checks: readonly string[];
}

export interface TaskSummary {
  readonly id: string;
  readonly title: string;
  readonly workflow: string;
  readonly status: string;
  /** Every phase the task was in, in order, starting with its initial one. */
  readonly phases: readonly string[];
  readonly gates: readonly GatePassed[];
  /** Transitions that went through a human approval. */
  readonly approvals: readonly string[];
}

/** Reads the walk from the coordinator's own history of the task, not from what agents said. */
export function summarizeTask(task: TaskRecord, contract: CompiledContract): TaskSummary {
  const workflow = contract.workflows.get(task.workflow);
  const phases: string[] = [];
  const gates: GatePassed[] = [];
  const approvals: string[] = [];
  for (const entry of task.history) {
    if (entry.from === null) {
      phases.push(entry.to);
      continue;
    }
    if (phases.length === 0) phases.push(entry.from);
    phases.push(entry.to);
    const transition = workflow?.transitionIndex.get(`${entry.from}->${entry.to}`);
    if (transition?.gate !== undefined) gates.push({ from: entry.from, to: entry.to, gate: transition.gate, checks: transition.checks });
    if (entry.approval_id !== undefined) approvals.push(`${entry.from} → ${entry.to} (${entry.approval_id})`);
  }
  if (phases.length === 0) phases.push(task.phase);
  return { id: task.id, title: task.title, workflow: task.workflow, status: task.status, phases, gates, approvals };
}
