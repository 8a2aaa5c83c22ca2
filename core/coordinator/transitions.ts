/** A transition request: token checks, then every blocker at once, then park for approval or apply. */
import type { CompiledTransition, CompiledWorkflow } from '../contract/types.js';
import { PhasegateError } from '../errors.js';
import { runChecks, symlinkBlockers, validateArtifacts } from '../gates/index.js';
import type { Blocker, GateContext } from '../gates/types.js';
import type { PhaseClaims, PhaseGrant } from '../tokens/types.js';
import { applyTransition, storeArtifacts } from './apply-transition.js';
import { parkForApproval } from './approvals.js';
import { storeCheckpoint } from './checkpoints.js';
import { assertTokenHolds } from './claim-check.js';
import { workflowOf, type Engine } from './engine.js';
import { grantFor } from './grants.js';
import { evidenceDigest, passedEvidence } from './passed-evidence.js';
import { roundsExhausted, spawnedReviews, taskAuthors } from './review-rounds.js';
import type { Store } from './store.js';
import { parseTransitionRequest, type ParsedTransition } from './transition-request.js';
import type { TaskRecord, TransitionRequest, TransitionResponse } from './types.js';
import type { WriteTx } from './write-tx.js';

type Outcome =
  | { kind: 'refused'; blockers: Blocker[] }
  | { kind: 'blocked'; blockers: Blocker[] }
  | { kind: 'parked'; approvalId: string }
  | { kind: 'applied'; task: TaskRecord };

function gateContext(engine: Engine, task: TaskRecord, r: ParsedTransition): GateContext {
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

function blockersFor(wf: CompiledWorkflow, tr: CompiledTransition, task: TaskRecord, ctx: GateContext, r: ParsedTransition): Blocker[] {
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
  return { kind: 'applied', task: applyTransition(engine, tx, task, tr, { agentId: claims.sub, artifacts, testHashes: r.evidence.test_hashes, evidence }) };
}

/**
 * Starts signing the token an applied transition will return, before the commit: the
 * signature (a thread-pool job) then overlaps the commit and its flush instead of following
 * them. Used only if the applied task yields exactly this grant; a refused, blocked or parked
 * transition discards it unseen (it never leaves this process).
 */
function signAhead(engine: Engine, claims: PhaseClaims, r: ParsedTransition): { grant: PhaseGrant; token: Promise<string> } | undefined {
  const target = r.targetPhase;
  const task = engine.store.tasks.get(claims.task_id);
  if (task === undefined || task.status !== 'claimed' || task.phase !== claims.phase) return undefined;
  const tr = engine.contract.workflows.get(task.workflow)?.transitionIndex.get(`${task.phase}->${target}`);
  if (tr === undefined || tr.approval || tr.spawn.length > 0) return undefined;
  // The next visit and the digest of the evidence the gate will pass on, from the same inputs
  // (sameGrant compares both with what the commit actually produced).
  const evidence = passedEvidence(engine.store, tr, gateContext(engine, task, r), claims.sub);
  const next = { ...task, phase: target, visit: (task.visit ?? 0) + 1, phase_evidence: evidenceDigest(evidence) };
  const grant = grantFor(engine.contract, next, claims.sub);
  const token = engine.issuer.issue(grant);
  token.catch(() => undefined); // if it fails, the transition signs again after the commit
  return { grant, token };
}

function sameGrant(a: PhaseGrant, b: PhaseGrant): boolean {
  return (
    a.sub === b.sub && a.task_id === b.task_id && a.phase === b.phase && a.epoch === b.epoch && a.contract === b.contract &&
    a.visit === b.visit && a.evidence === b.evidence &&
    a.allowed_tools.length === b.allowed_tools.length && a.allowed_tools.every((t, i) => t === b.allowed_tools[i])
  );
}

export async function transition(engine: Engine, req: TransitionRequest): Promise<TransitionResponse> {
  const r = parseTransitionRequest(req);
  const claims = await engine.verifier.verify(r.token);
  const early = signAhead(engine, claims, r);
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
  const grant = grantFor(engine.contract, out.task, claims.sub);
  const newToken = early !== undefined && sameGrant(early.grant, grant) ? await early.token.catch(() => engine.issuer.issue(grant)) : await engine.issuer.issue(grant);
  await done.durable;
  return { allowed: true, phase: out.task.phase, new_token: newToken };
}
