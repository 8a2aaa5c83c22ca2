/** Applying a transition that passed its gate (directly, or later by approval): phase, history, triggers, completion. */
import type { CompiledTransition } from '../contract/types.js';
import { leaseUntil } from './claim-check.js';
import { workflowOf, type Engine } from './engine.js';
import { evidenceDigest } from './passed-evidence.js';
import { cancelOpenReviews } from './review-rounds.js';
import { insertTask } from './task-create.js';
import type { HistoryEntry, PassedEvidence, StoredTask } from './types.js';
import type { WriteTx } from './write-tx.js';

export interface ApplyInput {
  readonly agentId: string | null;
  /** artifact name → hash, already stored. */
  readonly artifacts: Readonly<Record<string, string>>;
  /** Test-file hashes the sidecar reported with the request (locked by `lock_tests`). */
  readonly testHashes: Readonly<Record<string, string>>;
  readonly approvalId?: string;
  /** What passed the gate; its digest goes into the event, the history entry and the next token. */
  readonly evidence?: PassedEvidence;
}

const TASK_ID_TEMPLATE = /\{\{\s*task\.id\s*\}\}/g;

/** Stores each artifact once by content hash; returns name → hash. */
export function storeArtifacts(tx: WriteTx, artifacts: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(artifacts)) if (value !== undefined) out[name] = tx.putArtifact(value);
  return out;
}

export function applyTransition(engine: Engine, tx: WriteTx, task: StoredTask, tr: CompiledTransition, input: ApplyInput): StoredTask {
  const wf = workflowOf(engine.contract, task.workflow);
  const visit = (task.visit ?? 0) + 1;
  const digest = input.evidence === undefined ? undefined : evidenceDigest(input.evidence);
  tx.emit('phase_transition_applied', task.id, {
    from: tr.from,
    to: tr.to,
    epoch: task.epoch,
    visit,
    agent_id: input.agentId,
    ...(input.approvalId === undefined ? {} : { approval_id: input.approvalId }),
    ...(input.evidence === undefined ? {} : { evidence: input.evidence, evidence_digest: digest }),
  });
  const eventSeq = tx.events.at(-1)?.seq;

  // A new round, or a way back to where one starts: the open review tasks judge a change that is being replaced.
  const newRound = tr.spawn.length > 0 || wf.transitions.some((t) => t.from === tr.to && t.spawn.length > 0);
  if (newRound) cancelOpenReviews(tx, engine.store, task, `superseded: ${task.id} moved ${tr.from} → ${tr.to}`);

  const spawned: string[] = [];
  for (const s of tr.spawn) {
    for (let i = 0; i < s.count; i++) {
      const child = insertTask(tx, engine.contract, {
        title: s.title.replace(TASK_ID_TEMPLATE, task.id),
        description: `Spawned by ${task.id} (${task.title}) on ${tr.from} → ${tr.to}.`,
        acceptance_criteria: [],
        depends_on: [],
        workflow: s.workflow,
        priority: task.priority,
        required_capabilities: s.capabilities,
        parent_id: task.id,
      });
      tx.emit('task_spawned', task.id, { parent_id: task.id, child_id: child.id, workflow: child.workflow });
      spawned.push(child.id);
    }
  }

  const entry: HistoryEntry = {
    from: tr.from,
    to: tr.to,
    at: tx.nowIso,
    agent_id: input.agentId,
    artifacts: input.artifacts,
    ...(input.approvalId === undefined ? {} : { approval_id: input.approvalId }),
    ...(spawned.length === 0 ? {} : { spawned }),
    ...(eventSeq === undefined ? {} : { event_seq: eventSeq }),
    ...(input.evidence === undefined ? {} : { evidence: input.evidence, evidence_digest: digest }),
  };
  const terminal = wf.terminalPhases.has(tr.to);
  // A finished task gives its claim back; otherwise the move proves the holder is alive, so the lease restarts.
  const claim = terminal || task.claim === null ? null : { ...task.claim, lease_expires_at: leaseUntil(tx.nowMs, engine.leaseMs) };
  const next: StoredTask = {
    ...task,
    phase: tr.to,
    visit,
    phase_evidence: digest ?? null,
    status: terminal ? 'completed' : claim === null ? 'pending' : 'claimed',
    claim,
    ...tx.appendHistory(task, entry),
    artifacts: { ...task.artifacts, ...input.artifacts },
    test_lock: tr.lockTests ? { ...input.testHashes } : task.test_lock,
    pending_approval_id: null,
    blockers: [],
    spawned: [...task.spawned, ...spawned],
    updated_at: tx.nowIso,
  };
  tx.saveTask(task, next);
  return next;
}
