/** A transition request: token checks, then every blocker at once, then park for approval or apply. */
import type { CompiledTransition, CompiledWorkflow } from '../contract/types.js';
import { PhasegateError } from '../errors.js';
import { runChecks, symlinkBlockers, validateArtifacts } from '../gates/index.js';
import type { Blocker, GateContext } from '../gates/types.js';
import type { PhaseClaims } from '../tokens/types.js';
import { applyTransition, storeArtifacts } from './apply-transition.js';
import { parkForApproval } from './approvals.js';
import { storeCheckpoint } from './checkpoints.js';
import { assertTokenHolds } from './claim-check.js';
import { workflowOf, type Engine } from './engine.js';
import { signAhead } from './grants.js';
import { passedEvidence } from './passed-evidence.js';
import { roundsExhausted, spawnedReviews, taskAuthors } from './review-rounds.js';
import type { Store } from './store.js';
import { parseTransitionRequest, type ParsedTransition } from './transition-request.js';
import type { StoredTask, TransitionRequest, TransitionResponse } from './types.js';
import type { WriteTx } from './write-tx.js';

type Outcome =
  | { kind: 'refused'; blockers: Blocker[] }
  | { kind: 'blocked'; blockers: Blocker[] }
  | { kind: 'parked'; approvalId: string }
  /** `token` is being signed while the commit syncs (signAhead). */
  | { kind: 'applied'; task: StoredTask; token: Promise<string> };

function gateContext(engine: Engine, task: StoredTask, r: ParsedTransition): GateContext {
  return {
    phase: task.phase,
    epoch: task.epoch,
    visit: task.visit ?? 0,
    artifacts: r.artifacts,
    evidence: r.evidence,
    testLock: task.test_lock ?? undefined,
    spawnedReviews: spawnedReviews(engine.store, task),
    authors: taskAuthors(task),
  };
}

function blockersFor(wf: CompiledWorkflow, tr: CompiledTransition, task: StoredTask, ctx: GateContext, r: ParsedTransition): Blocker[] {
  const blockers = [...validateArtifacts(wf, tr, r.artifacts), ...runChecks(tr.checks, ctx)];
  // The lock is taken here: a symlinked test file would make it meaningless from the start.
  if (tr.lockTests && !tr.checks.includes('tests_unchanged')) blockers.push(...symlinkBlockers(r.evidence));
  const exhausted = roundsExhausted(wf, tr, task);
  if (exhausted !== undefined) blockers.push(exhausted);
  return blockers;
}

function notDefined(wf: CompiledWorkflow, from: string, to: string): Blocker {
  const targets = wf.transitions.filter((t) => t.from === from).map((t) => t.to);
  return {
    code: 'transition_not_defined',
    message: `no transition ${from} → ${to}; allowed from ${from}: ${targets.length > 0 ? targets.join(', ') : 'none'}`,
    path: 'target_phase',
  };
}

function decide(engine: Engine, tx: WriteTx, claims: PhaseClaims, r: ParsedTransition): Outcome {
  const task = assertTokenHolds(engine.store.tasks.get(claims.task_id), claims, tx.nowMs);
  // A token from an earlier phase or an earlier visit of this phase, or signed under another contract, cannot move the task.
  if (claims.contract !== engine.contract.sha256 || claims.phase !== task.phase || r.currentPhase !== task.phase) {
    throw new PhasegateError('token_superseded', `task ${task.id} is in ${task.phase}; the token is for ${claims.phase}`);
  }
  if (claims.visit !== (task.visit ?? 0)) {
    throw new PhasegateError('token_superseded', `task ${task.id} is in visit ${task.visit} of ${task.phase}; the token is from visit ${claims.visit ?? 'unknown'}`);
  }
  if (task.status === 'paused') return { kind: 'refused', blockers: [{ code: 'task_paused', message: `task ${task.id} is paused` }] };
  if (task.status === 'awaiting_approval') {
    return { kind: 'refused', blockers: [{ code: 'approval_pending', message: `approval ${task.pending_approval_id ?? ''} is pending` }] };
  }
  const wf = workflowOf(engine.contract, task.workflow);
  const tr = wf.transitionIndex.get(`${task.phase}->${r.targetPhase}`);
  const ctx = gateContext(engine, task, r);
  const blockers = tr === undefined ? [notDefined(wf, task.phase, r.targetPhase)] : blockersFor(wf, tr, task, ctx, r);
  const head = r.evidence.audit_head;
  if (head !== undefined) storeCheckpoint(tx, engine.store, { agent_id: claims.sub, task_id: task.id, ...head });

  if (tr === undefined || blockers.length > 0) {
    tx.saveTask(task, { ...task, blockers, updated_at: tx.nowIso });
    tx.emit('phase_transition_blocked', task.id, { from: task.phase, to: r.targetPhase, blockers });
    return { kind: 'blocked', blockers };
  }
  const artifacts = storeArtifacts(tx, r.artifacts);
  const evidence = passedEvidence(engine.store, tr, ctx, claims.sub);
  if (tr.approval) return { kind: 'parked', approvalId: parkForApproval(tx, engine.store, task, tr, claims.sub, artifacts, r.evidence, evidence) };
  const next = applyTransition(engine, tx, task, tr, { agentId: claims.sub, artifacts, testHashes: r.evidence.test_hashes, evidence });
  return { kind: 'applied', task: next, token: signAhead(engine, next, claims.sub) };
}

export async function transition(engine: Engine, req: TransitionRequest): Promise<TransitionResponse> {
  const r = parseTransitionRequest(req);
  const claims = await engine.verifier.verify(r.token);
  const done = await engine.mutate((tx) => decide(engine, tx, claims, r));
  const out = done.value;
  if (out.kind === 'refused') return { allowed: false, blockers: out.blockers };
  if (out.kind === 'blocked') {
    await done.durable;
    return { allowed: false, blockers: out.blockers };
  }
  if (out.kind === 'parked') {
    await done.durable;
    return { allowed: false, status: 'awaiting_approval', approval_id: out.approvalId };
  }
  const newToken = await out.token;
  await done.durable;
  return { allowed: true, phase: out.task.phase, new_token: newToken };
}
