/** A transition request: token checks, then every blocker at once, then park for approval or apply. */
import type { CompiledTransition, CompiledWorkflow } from '../contract/types.js';
import { PhasegateError } from '../errors.js';
import { runChecks, validateArtifacts } from '../gates/index.js';
import type { Blocker, GateContext, SpawnedReview } from '../gates/types.js';
import type { PhaseClaims } from '../tokens/types.js';
import { applyTransition, storeArtifacts } from './apply-transition.js';
import { parkForApproval } from './approvals.js';
import { storeCheckpoint } from './checkpoints.js';
import { assertTokenHolds } from './claim-check.js';
import { workflowOf, type Engine } from './engine.js';
import { grantFor } from './grants.js';
import type { Store } from './store.js';
import { parseTransitionRequest, type ParsedTransition } from './transition-request.js';
import type { TaskRecord, TransitionRequest, TransitionResponse } from './types.js';
import type { WriteTx } from './write-tx.js';

type Outcome =
  | { kind: 'refused'; blockers: Blocker[] }
  | { kind: 'blocked'; blockers: Blocker[] }
  | { kind: 'parked'; approvalId: string }
  | { kind: 'applied'; task: TaskRecord };

/** The review tasks of the latest spawn round: an earlier round's findings were answered by going back to IMPL. */
function spawnedReviews(store: Store, task: TaskRecord): SpawnedReview[] {
  const round = task.history.findLast((h) => h.spawned !== undefined && h.spawned.length > 0)?.spawned ?? [];
  return round.map((id) => {
    const child = store.tasks.get(id);
    const hash = child?.artifacts.review;
    return { id, status: child?.status ?? 'missing', review: hash === undefined ? undefined : store.artifacts.get(hash) };
  });
}

function blockersFor(engine: Engine, wf: CompiledWorkflow, tr: CompiledTransition, task: TaskRecord, r: ParsedTransition): Blocker[] {
  const ctx: GateContext = {
    phase: task.phase,
    epoch: task.epoch,
    artifacts: r.artifacts,
    evidence: r.evidence,
    testLock: task.test_lock ?? undefined,
    spawnedReviews: spawnedReviews(engine.store, task),
  };
  return [...validateArtifacts(wf, tr, r.artifacts), ...runChecks(tr.checks, ctx)];
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
  // A token from an earlier phase, or signed under another contract, cannot move the task.
  if (claims.contract !== engine.contract.sha256 || claims.phase !== task.phase || r.currentPhase !== task.phase) {
    throw new PhasegateError('token_superseded', `task ${task.id} is in ${task.phase}; the token is for ${claims.phase}`);
  }
  if (task.status === 'paused') return { kind: 'refused', blockers: [{ code: 'task_paused', message: `task ${task.id} is paused` }] };
  if (task.status === 'awaiting_approval') {
    return { kind: 'refused', blockers: [{ code: 'approval_pending', message: `approval ${task.pending_approval_id ?? ''} is pending` }] };
  }
  const wf = workflowOf(engine.contract, task.workflow);
  const tr = wf.transitionIndex.get(`${task.phase}->${r.targetPhase}`);
  const blockers = tr === undefined ? [notDefined(wf, task.phase, r.targetPhase)] : blockersFor(engine, wf, tr, task, r);
  const head = r.evidence.audit_head;
  if (head !== undefined) storeCheckpoint(tx, engine.store, { agent_id: claims.sub, task_id: task.id, ...head });

  if (tr === undefined || blockers.length > 0) {
    tx.saveTask(task, { ...task, blockers, updated_at: tx.nowIso });
    tx.emit('phase_transition_blocked', task.id, { from: task.phase, to: r.targetPhase, blockers });
    return { kind: 'blocked', blockers };
  }
  const artifacts = storeArtifacts(tx, r.artifacts);
  if (tr.approval) return { kind: 'parked', approvalId: parkForApproval(tx, engine.store, task, tr, claims.sub, artifacts, r.evidence) };
  return { kind: 'applied', task: applyTransition(engine, tx, task, tr, { agentId: claims.sub, artifacts, testHashes: r.evidence.test_hashes }) };
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
  const newToken = await engine.issuer.issue(grantFor(engine.contract, out.task, claims.sub));
  await done.durable;
  return { allowed: true, phase: out.task.phase, new_token: newToken };
}
