/** Admin pause/resume. A paused task keeps its claim (no lease runs) and refuses transitions until resumed. */
import { PhasegateError } from '../errors.js';
import { nameAt } from './body-checks.js';
import { leaseUntil, taskOrNotFound } from './claim-check.js';
import type { Engine } from './engine.js';
import type { StoredTask } from './types.js';

export async function pause(engine: Engine, taskId: string, reason: string): Promise<StoredTask> {
  const id = nameAt(taskId, 'task_id');
  const why = typeof reason === 'string' ? reason.slice(0, 10_000) : '';
  const done = await engine.mutate((tx) => {
    const task = taskOrNotFound(engine.store.tasks.get(id), id);
    if (task.status !== 'pending' && task.status !== 'claimed') throw new PhasegateError('conflict', `task ${id} is ${task.status}; only pending or claimed tasks can be paused`);
    const next: StoredTask = { ...task, status: 'paused', updated_at: tx.nowIso };
    tx.saveTask(task, next);
    tx.emit('task_paused', id, { reason: why });
    return next;
  });
  await done.durable;
  return done.value;
}

export async function resume(engine: Engine, taskId: string): Promise<StoredTask> {
  const id = nameAt(taskId, 'task_id');
  const done = await engine.mutate((tx) => {
    const task = taskOrNotFound(engine.store.tasks.get(id), id);
    if (task.status !== 'paused') throw new PhasegateError('conflict', `task ${id} is ${task.status}, not paused`);
    // The holder was told to wait, not to heartbeat harder: its lease restarts now.
    const claim = task.claim === null ? null : { ...task.claim, lease_expires_at: leaseUntil(tx.nowMs, engine.leaseMs) };
    const next: StoredTask = { ...task, status: claim === null ? 'pending' : 'claimed', claim, updated_at: tx.nowIso };
    tx.saveTask(task, next);
    tx.emit('task_resumed', id, {});
    return next;
  });
  await done.durable;
  return done.value;
}
