/** What a phase token grants: the task's current phase and the tools that phase allows. */
import type { CompiledContract } from '../contract/types.js';
import type { PhaseGrant } from '../tokens/types.js';
import { workflowOf } from './engine.js';
import type { StoredTask } from './types.js';

/** allowed minus forbidden, sorted (a tool listed in both is forbidden). */
export function allowedTools(contract: CompiledContract, workflow: string, phase: string): string[] {
  const p = workflowOf(contract, workflow).phases.get(phase);
  if (p === undefined) return [];
  return [...p.allowed].filter((t) => !p.forbidden.has(t)).sort();
}

export function grantFor(contract: CompiledContract, task: StoredTask, agentId: string): PhaseGrant {
  return {
    sub: agentId,
    task_id: task.id,
    phase: task.phase,
    allowed_tools: allowedTools(contract, task.workflow, task.phase),
    epoch: task.epoch,
    contract: contract.sha256,
    // `?? 0`: a record written before visits were counted is in its first visit.
    visit: task.visit ?? 0,
    ...(task.phase_evidence == null ? {} : { evidence: task.phase_evidence }),
  };
}
