/**
 * Audit checkpoints: the head (seq, hash) of each sidecar's audit chain, kept here, out of
 * the sidecar's reach. A hash chain alone cannot show that its tail was cut off or that the
 * whole file was rewritten; a head recorded elsewhere can.
 */
import { nameAt, objectAt } from './body-checks.js';
import type { Engine } from './engine.js';
import type { Store } from './store.js';
import { parseAuditHead } from './transition-request.js';
import type { AuditCheckpoint } from './types.js';
import type { WriteTx } from './write-tx.js';

export function parseCheckpoint(cp: unknown): AuditCheckpoint {
  const body = objectAt(cp, '');
  const head = parseAuditHead(body, '');
  return {
    agent_id: nameAt(body.agent_id, 'agent_id'),
    task_id: body.task_id === undefined || body.task_id === null ? null : nameAt(body.task_id, 'task_id'),
    seq: head.seq,
    hash: head.hash,
  };
}

/** Stores a checkpoint and emits audit_checkpoint, unless this exact head is already stored. */
export function storeCheckpoint(tx: WriteTx, store: Store, cp: AuditCheckpoint): void {
  const key: [string, number, string] = [cp.agent_id, cp.seq, cp.hash];
  if (store.checkpoints.doesExist(key)) return;
  void store.checkpoints.put(key, cp);
  tx.emit('audit_checkpoint', cp.task_id, { agent_id: cp.agent_id, seq: cp.seq, hash: cp.hash });
}

export async function recordCheckpoint(engine: Engine, cp: AuditCheckpoint): Promise<void> {
  const parsed = parseCheckpoint(cp);
  const done = await engine.mutate((tx) => storeCheckpoint(tx, engine.store, parsed));
  await done.durable;
}

/** One agent's checkpoints (or everyone's), ordered by agent, then seq. */
export function listCheckpoints(store: Store, agentId?: string): AuditCheckpoint[] {
  const range = agentId === undefined ? {} : { start: [agentId], end: [agentId, Number.MAX_VALUE] };
  return [...store.checkpoints.getRange(range).map((e) => e.value)];
}
