/** Admin cancel: a task ended for good (status `failed`), whoever held it, whatever it waited for. */
import { PhasegateError } from '../errors.js';
import { nameAt } from './body-checks.js';
import { taskOrNotFound } from './claim-check.js';
import type { Engine } from './engine.js';
import type { ApprovalRecord, StoredTask } from './types.js';

/**
 * Status `failed`, claim ended (epoch + 1, so every token of the claim dies and the sidecar
 * hears it lost the task), a pending approval rejected with the same reason. A task already
 * completed or failed is a 409: cancelling must not rewrite finished history.
 */
export async function cancel(engine: Engine, taskId: string, reason: string, decidedBy = 'unknown'): Promise<StoredTask> {
  const id = nameAt(taskId, 'task_id');
  const why = nameAt(reason, 'reason', 10_000);
  const by = nameAt(decidedBy, 'decided_by', 300);
  const done = await engine.mutate((tx) => {
    const task = taskOrNotFound(engine.store.tasks.get(id), id);
    if (task.status === 'completed' || task.status === 'failed') throw new PhasegateError('conflict', `task ${id} is already ${task.status}`);
    const approvalId = task.pending_approval_id;
    const approval = approvalId === null ? undefined : engine.store.approvals.get(approvalId);
    if (approvalId !== null && approval?.status === 'pending') {
      const decided: ApprovalRecord = { ...approval, status: 'rejected', decided_at: tx.nowIso, reason: `task cancelled: ${why}`, decided_by: by };
      void engine.store.approvals.put(approvalId, decided);
      void engine.store.parked.remove(approvalId);
      tx.emit('approval_decided', id, { approval_id: approvalId, decision: 'rejected', reason: decided.reason, decided_by: by });
    }
    const next: StoredTask = {
      ...task,
      status: 'failed',
      claim: null,
      epoch: task.epoch + 1,
      pending_approval_id: null,
      blockers: [{ code: 'task_cancelled', message: why }],
      updated_at: tx.nowIso,
    };
    tx.saveTask(task, next);
    tx.emit('task_cancelled', id, { reason: why, agent_id: task.claim?.agent_id ?? null, epoch: next.epoch, decided_by: by });
    return next;
  });
  await done.durable;
  return done.value;
}
