/** Claims: picking a task for an agent, heartbeats that keep the lease, and giving a task back. */
import { PhasegateError } from '../errors.js';
import { nameAt, objectAt, optionalNames } from './body-checks.js';
import { whyNotClaimable } from './claim-refusal.js';
import { assertAgentHolds, leaseExpired, leaseUntil, taskOrNotFound } from './claim-check.js';
import type { Engine } from './engine.js';
import { signAhead } from './grants.js';
import { idOrdinal } from './ids.js';
import { expireClaim } from './leases.js';
import { isAuthorOfParent } from './review-rounds.js';
import type { Store } from './store.js';
import type { ClaimRequest, ClaimResponse, StoredTask } from './types.js';

function depsDone(store: Store, task: StoredTask): boolean {
  return task.depends_on.every((id) => store.tasks.get(id)?.status === 'completed');
}

function isClaimable(store: Store, task: StoredTask, agentId: string, caps: ReadonlySet<string>, nowMs: number): boolean {
  return (
    (task.status === 'pending' || leaseExpired(task, nowMs)) &&
    task.required_capabilities.every((c) => caps.has(c)) &&
    depsDone(store, task) &&
    !isAuthorOfParent(store, task, agentId)
  );
}

/** Claim order: priority desc, then oldest first. */
function comesBefore(a: StoredTask, b: StoredTask | undefined): boolean {
  if (b === undefined) return true;
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.created_at !== b.created_at) return a.created_at < b.created_at;
  return idOrdinal(a.id) < idOrdinal(b.id);
}

/** The first claimable pending task in index order, or an earlier one whose holder's lease ran out. */
function pickTask(store: Store, agentId: string, caps: ReadonlySet<string>, nowMs: number): StoredTask | undefined {
  let best: StoredTask | undefined;
  for (const key of store.pendingIndex.getKeys()) {
    const task = store.tasks.get(key[3]);
    if (task !== undefined && isClaimable(store, task, agentId, caps, nowMs)) {
      best = task;
      break;
    }
  }
  for (const [until, id] of store.leaseIndex.getKeys()) {
    if (Date.parse(until) > nowMs) break;
    const task = store.tasks.get(id);
    if (task !== undefined && isClaimable(store, task, agentId, caps, nowMs) && comesBefore(task, best)) best = task;
  }
  return best;
}

/** A claim response with the task as stored (the service reads its history back in). */
export type StoredClaim = Omit<ClaimResponse, 'task'> & { readonly task: StoredTask };

export async function claim(engine: Engine, req: ClaimRequest): Promise<StoredClaim> {
  const body = objectAt(req, '');
  const agentId = nameAt(body.agent_id, 'agent_id');
  const caps = new Set(optionalNames(body.capabilities, 'capabilities') ?? []);
  const taskId = body.task_id === undefined ? undefined : nameAt(body.task_id, 'task_id');
  const { store } = engine;

  // Read, check and write happen in one write transaction, queued behind every other
  // writer: of two agents racing for one task, the second sees the first one's claim.
  const done = await engine.mutate((tx) => {
    let task: StoredTask | undefined;
    if (taskId !== undefined) {
      task = taskOrNotFound(store.tasks.get(taskId), taskId);
      // Its own holder may claim again by id (a restarted sidecar lost its token); the epoch bump kills the old one.
      const reclaim = task.status === 'claimed' && task.claim?.agent_id === agentId && depsDone(store, task);
      if (!reclaim && !isClaimable(store, task, agentId, caps, tx.nowMs)) {
        const why = isAuthorOfParent(store, task, agentId)
          ? `task ${taskId} cannot be claimed: ${agentId} worked on ${task.parent_id ?? ''}, which this task reviews; another agent must claim it`
          : whyNotClaimable(store, task, caps, tx.nowMs);
        throw new PhasegateError('task_not_claimable', why);
      }
    } else {
      task = pickTask(store, agentId, caps, tx.nowMs);
      if (task === undefined) throw new PhasegateError('no_task', 'no claimable task');
    }
    if (leaseExpired(task, tx.nowMs)) task = expireClaim(tx, task);
    const next: StoredTask = {
      ...task,
      status: 'claimed',
      epoch: task.epoch + 1,
      claim: { agent_id: agentId, claimed_at: tx.nowIso, lease_expires_at: leaseUntil(tx.nowMs, engine.leaseMs) },
      updated_at: tx.nowIso,
    };
    tx.saveTask(task, next);
    tx.emit('task_claimed', next.id, { agent_id: agentId, epoch: next.epoch, phase: next.phase });
    return { task: next, signing: signAhead(engine, next, agentId) };
  });
  const { task, signing } = done.value;
  // Signed on the thread pool while the commit synced; the answer waits for both.
  const token = await signing;
  await done.durable;
  return { task, phase_token: token, lease_expires_at: task.claim?.lease_expires_at ?? '' };
}

/** Extends the lease of the agent that holds the task. No event: heartbeats would drown the log. */
export async function heartbeat(engine: Engine, taskId: string, agentId: string): Promise<{ lease_expires_at: string }> {
  const id = nameAt(taskId, 'task_id');
  const agent = nameAt(agentId, 'agent_id');
  const done = await engine.mutate((tx) => {
    const task = taskOrNotFound(engine.store.tasks.get(id), id);
    const held = assertAgentHolds(task, agent, tx.nowMs);
    const lease = leaseUntil(tx.nowMs, engine.leaseMs);
    tx.saveTask(task, { ...task, claim: { ...held, lease_expires_at: lease }, updated_at: tx.nowIso });
    return lease;
  });
  await done.durable;
  return { lease_expires_at: done.value };
}

/** Gives the task back (agent: only its own; admin: `agentId` null). Epoch + 1, so every token of the claim dies. */
export async function release(engine: Engine, taskId: string, agentId: string | null): Promise<StoredTask> {
  const id = nameAt(taskId, 'task_id');
  const agent = agentId === null ? null : nameAt(agentId, 'agent_id');
  const done = await engine.mutate((tx) => {
    const task = taskOrNotFound(engine.store.tasks.get(id), id);
    if (task.status === 'awaiting_approval') throw new PhasegateError('conflict', `task ${id} awaits approval ${task.pending_approval_id ?? ''}; decide it first`);
    const held = agent === null ? task.claim : assertAgentHolds(task, agent, tx.nowMs, true);
    if (held === null) throw new PhasegateError('task_not_claimed', `task ${id} is not claimed`);
    const next: StoredTask = {
      ...task,
      status: task.status === 'paused' ? 'paused' : 'pending',
      claim: null,
      epoch: task.epoch + 1,
      updated_at: tx.nowIso,
    };
    tx.saveTask(task, next);
    tx.emit('task_released', id, { agent_id: held.agent_id, epoch: next.epoch });
    return next;
  });
  await done.durable;
  return done.value;
}
