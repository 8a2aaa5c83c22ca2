/**
 * Who may review, and how long a review loop may last (SPEC §8 "Who reviews"): spawned review
 * tasks belong to agents other than the task's authors, rounds are bounded by
 * `max_review_rounds`, and the review tasks of a superseded round are cancelled.
 */
import type { CompiledTransition, CompiledWorkflow } from '../contract/types.js';
import type { Blocker, SpawnedReview } from '../gates/types.js';
import type { Store } from './store.js';
import { lastEntry } from './task-history.js';
import type { StoredTask } from './types.js';
import type { WriteTx } from './write-tx.js';

/** Every agent that held the task or moved it: none of them may claim or complete its review. */
export function taskAuthors(task: StoredTask): Set<string> {
  const authors = new Set<string>(task.authors);
  if (task.claim !== null) authors.add(task.claim.agent_id);
  return authors;
}

/**
 * A spawned task cannot be claimed by an author of the task that spawned it. Attack stopped:
 * the implementing agent claiming its own review task (through a second sidecar, under
 * another agent id) and approving its own work.
 */
export function isAuthorOfParent(store: Store, task: StoredTask, agentId: string): boolean {
  if (task.parent_id === null) return false;
  const parent = store.tasks.get(task.parent_id);
  return parent !== undefined && taskAuthors(parent).has(agentId);
}

/** The review tasks of the latest spawn round: an earlier round's findings were answered by going back to IMPL. */
export function spawnedReviews(store: Store, task: StoredTask): SpawnedReview[] {
  return task.last_round.map((id) => {
    const child = store.tasks.get(id);
    const hash = child?.artifacts.review;
    const completedBy = child?.status === 'completed' ? (lastEntry(store, child)?.agent_id ?? null) : null;
    return { id, status: child?.status ?? 'missing', review: hash === undefined ? undefined : store.artifacts.get(hash), completed_by: completedBy };
  });
}

/**
 * Going back into a phase that starts a review round (REVIEW → IMPL in the default contract)
 * is refused once `max_review_rounds` rounds were spawned. Attack stopped: 300 REVIEW ↔ IMPL
 * loops with self-written review artifacts creating a task per loop.
 */
export function roundsExhausted(wf: CompiledWorkflow, tr: CompiledTransition, task: StoredTask): Blocker | undefined {
  if (tr.spawn.length > 0) return undefined;
  const startsRound = wf.transitions.some((t) => t.from === tr.to && t.spawn.length > 0);
  if (!startsRound) return undefined;
  const rounds = task.review_rounds;
  if (rounds < wf.maxReviewRounds) return undefined;
  return {
    code: 'review_rounds_exhausted',
    message: `${rounds} review round(s) done (max_review_rounds: ${wf.maxReviewRounds}); ${tr.from} → ${tr.to} is refused: an operator must decide (e.g. phasegate task cancel ${task.id})`,
    path: 'target_phase',
  };
}

/**
 * Cancels the unfinished spawned tasks of `task` (status `failed`, claim dropped, epoch bumped
 * so their tokens die). Called when a new round starts: a reviewer must not go on judging a
 * change that is being replaced, and its verdict would never be read.
 */
/** Who cancels a superseded round's review tasks: the coordinator itself, not an admin. */
const CANCELLED_BY = 'coordinator';

export function cancelOpenReviews(tx: WriteTx, store: Store, task: StoredTask, reason: string): void {
  for (const id of task.spawned) {
    const child = store.tasks.get(id);
    if (child === undefined || child.status === 'completed' || child.status === 'failed') continue;
    const approvalId = child.pending_approval_id;
    const approval = approvalId === null ? undefined : store.approvals.get(approvalId);
    if (approvalId !== null && approval?.status === 'pending') {
      void store.approvals.put(approvalId, { ...approval, status: 'rejected', decided_at: tx.nowIso, reason, decided_by: CANCELLED_BY });
      void store.parked.remove(approvalId);
      tx.emit('approval_decided', id, { approval_id: approvalId, decision: 'rejected', reason, decided_by: CANCELLED_BY });
    }
    const epoch = child.epoch + 1;
    tx.saveTask(child, {
      ...child,
      status: 'failed',
      claim: null,
      epoch,
      pending_approval_id: null,
      blockers: [{ code: 'review_round_superseded', message: reason }],
      updated_at: tx.nowIso,
    });
    // Same shape as an admin cancel: the reviewer's sidecar sees the epoch move and drops the task.
    tx.emit('task_cancelled', id, { reason, agent_id: child.claim?.agent_id ?? null, epoch, decided_by: CANCELLED_BY, parent_id: task.id });
  }
}
