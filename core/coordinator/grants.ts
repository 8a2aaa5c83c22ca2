/** What a phase token grants: the task's current phase and the tools that phase allows. */
import type { CompiledContract } from '../contract/types.js';
import type { PhaseGrant } from '../tokens/types.js';
import { workflowOf, type Engine } from './engine.js';
import type { StoredTask } from './types.js';

/** Each compiled phase's list, computed once (every claim, transition and refresh signs it). */
const allowedByPhase = new WeakMap<object, readonly string[]>();

/** allowed minus forbidden, sorted (a tool listed in both is forbidden); frozen, shared by every caller. */
export function allowedTools(contract: CompiledContract, workflow: string, phase: string): readonly string[] {
  const p = workflowOf(contract, workflow).phases.get(phase);
  if (p === undefined) return [];
  let list = allowedByPhase.get(p);
  if (list === undefined) allowedByPhase.set(p, (list = Object.freeze([...p.allowed].filter((t) => !p.forbidden.has(t)).sort())));
  return list;
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

/**
 * Starts signing `task`'s token now, from inside the operation's write transaction: the
 * signature is computed on the thread pool while this thread waits for the commit's sync.
 * Await it only after the commit: a token whose commit failed is dropped, never shown.
 */
export function signAhead(engine: Engine, task: StoredTask, agentId: string): Promise<string> {
  const token = engine.issuer.issue(grantFor(engine.contract, task, agentId));
  token.catch(() => undefined); // awaited (and its failure reported) by the caller after the commit
  return token;
}
