/** Human approvals: a transition marked `approval` parks the task until an admin approves (it applies) or rejects (it stays). */
import type { CompiledTransition } from '../contract/types.js';
import { PhasegateError } from '../errors.js';
import { applyTransition } from './apply-transition.js';
import { nameAt, optionalText } from './body-checks.js';
import { leaseUntil } from './claim-check.js';
import { workflowOf, type Engine } from './engine.js';
import { idOrdinal } from './ids.js';
import type { Store } from './store.js';
import type { Evidence } from '../gates/types.js';
import type { ApprovalRecord, PassedEvidence, StoredTask } from './types.js';
import type { WriteTx } from './write-tx.js';

/** Creates the pending approval and parks the task in `awaiting_approval`; returns the approval id. */
export function parkForApproval(
  tx: WriteTx,
  store: Store,
  task: StoredTask,
  tr: CompiledTransition,
  agentId: string,
  artifacts: Readonly<Record<string, string>>,
  evidence: Evidence,
  /** What passed the gate; completed with the approval when it is decided. */
  passed?: PassedEvidence,
): string {
  const approval: ApprovalRecord = {
    id: tx.nextId('A'),
    task_id: task.id,
    from: tr.from,
    to: tr.to,
    status: 'pending',
    requested_at: tx.nowIso,
    requested_by: agentId,
    artifacts,
    decided_at: null,
    note: null,
    reason: null,
    decided_by: null,
    // What the approver is shown as changed: the sidecar's record, never the agent's artifacts.
    files_changed: [...(evidence.files_changed ?? [])],
  };
  void store.approvals.put(approval.id, approval);
  // Kept for the moment of approval: a `lock_tests` trigger then locks what the sidecar saw at request time.
  void store.parked.put(approval.id, { test_hashes: evidence.test_hashes, ...(passed === undefined ? {} : { evidence: passed }) });
  tx.saveTask(task, { ...task, status: 'awaiting_approval', pending_approval_id: approval.id, blockers: [], updated_at: tx.nowIso });
  tx.emit('approval_requested', task.id, { approval_id: approval.id, from: tr.from, to: tr.to });
  return approval.id;
}

export function listApprovals(store: Store, status?: ApprovalRecord['status']): ApprovalRecord[] {
  const all = [...store.approvals.getRange().map((e) => e.value)];
  return all.filter((a) => status === undefined || a.status === status).sort((a, b) => idOrdinal(a.id) - idOrdinal(b.id));
}

/** The approval and its parked task, both still waiting for this decision. */
function pendingPair(store: Store, id: string): { approval: ApprovalRecord; task: StoredTask } {
  const approval = store.approvals.get(id);
  if (approval === undefined) throw new PhasegateError('not_found', `no approval ${id}`);
  const task = store.tasks.get(approval.task_id);
  if (approval.status !== 'pending' || task?.status !== 'awaiting_approval' || task.pending_approval_id !== id) {
    throw new PhasegateError('approval_not_pending', `approval ${id} is ${approval.status}`);
  }
  return { approval, task };
}

export async function approve(engine: Engine, id: string, note?: string, decidedBy?: string): Promise<ApprovalRecord> {
  const approvalId = nameAt(id, 'approval_id');
  const text = optionalText(note, 'note');
  const by = decider(decidedBy);
  const done = await engine.mutate((tx) => {
    const { approval, task } = pendingPair(engine.store, approvalId);
    const tr = workflowOf(engine.contract, task.workflow).transitionIndex.get(`${approval.from}->${approval.to}`);
    if (tr === undefined) throw new PhasegateError('conflict', `transition ${approval.from} → ${approval.to} is no longer in the contract`);
    const decided: ApprovalRecord = { ...approval, status: 'approved', decided_at: tx.nowIso, note: text ?? null, decided_by: by };
    void engine.store.approvals.put(approvalId, decided);
    const parked = engine.store.parked.get(approvalId);
    void engine.store.parked.remove(approvalId);
    tx.emit('approval_decided', task.id, { approval_id: approvalId, decision: 'approved', ...(text === undefined ? {} : { note: text }), decided_by: by });
    const approvalEvidence = { id: approvalId, decided_at: tx.nowIso, decided_by: by, event_seq: tx.events.at(-1)?.seq ?? 0 };
    applyTransition(engine, tx, task, tr, {
      agentId: approval.requested_by,
      artifacts: approval.artifacts,
      testHashes: parked?.test_hashes ?? {},
      approvalId,
      ...(parked?.evidence === undefined ? {} : { evidence: { ...parked.evidence, approval: approvalEvidence } }),
    });
    return decided;
  });
  await done.durable;
  return done.value;
}

export async function reject(engine: Engine, id: string, reason: string, decidedBy?: string): Promise<ApprovalRecord> {
  const approvalId = nameAt(id, 'approval_id');
  const why = nameAt(reason, 'reason', 10_000);
  const by = decider(decidedBy);
  const done = await engine.mutate((tx) => {
    const { approval, task } = pendingPair(engine.store, approvalId);
    const decided: ApprovalRecord = { ...approval, status: 'rejected', decided_at: tx.nowIso, reason: why, decided_by: by };
    void engine.store.approvals.put(approvalId, decided);
    void engine.store.parked.remove(approvalId);
    // The task stays in its phase, back with its holder (lease restarted: it waited on a human), the reason as its blocker.
    const claim = task.claim === null ? null : { ...task.claim, lease_expires_at: leaseUntil(tx.nowMs, engine.leaseMs) };
    tx.saveTask(task, {
      ...task,
      status: claim === null ? 'pending' : 'claimed',
      claim,
      pending_approval_id: null,
      blockers: [{ code: 'approval_rejected', message: why }],
      updated_at: tx.nowIso,
    });
    tx.emit('approval_decided', task.id, { approval_id: approvalId, decision: 'rejected', reason: why, decided_by: by });
    return decided;
  });
  await done.durable;
  return done.value;
}

/** Who decided; a decision made without naming anyone (an in-process caller) is recorded as such, never blank. */
function decider(decidedBy: string | undefined): string {
  return decidedBy === undefined ? 'unknown' : nameAt(decidedBy, 'decided_by', 300);
}
