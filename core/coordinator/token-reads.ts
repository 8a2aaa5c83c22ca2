/** Read-only operations that present a phase token: refresh and snapshot. */
import { PhasegateError } from '../errors.js';
import { assertTokenHolds } from './claim-check.js';
import type { Engine } from './engine.js';
import { grantFor } from './grants.js';
import { taskRecords } from './task-scan.js';
import type { SnapshotResponse, StoredTask } from './types.js';

async function holdingTask(engine: Engine, token: unknown): Promise<{ task: StoredTask; agentId: string }> {
  if (typeof token !== 'string' || token.length === 0) throw new PhasegateError('token_missing', 'phase_token is required');
  const claims = await engine.verifier.verify(token);
  // What we answer from is on disk already: reads see committed data only, and every commit
  // is synced before it returns (group-commit.ts).
  return { task: assertTokenHolds(engine.store.tasks.get(claims.task_id), claims, engine.now()), agentId: claims.sub };
}

/**
 * A fresh token for the task's CURRENT phase, for a token of the live claim (same epoch,
 * same holder) whatever its phase: how a sidecar gets its token after an approval lands.
 * Tokens never travel in events.
 */
export async function refresh(engine: Engine, token: string): Promise<string> {
  const { task, agentId } = await holdingTask(engine, token);
  return engine.issuer.issue(grantFor(engine.contract, task, agentId));
}

export async function snapshot(engine: Engine, token: string): Promise<SnapshotResponse> {
  const { task } = await holdingTask(engine, token);
  const deps: Record<string, readonly string[]> = {};
  const completed: string[] = [];
  for (const { value: t } of taskRecords(engine.store)) {
    deps[t.id] = t.depends_on;
    if (t.status === 'completed') completed.push(t.id);
  }
  return { task_dependencies: deps, completed_tasks: completed, blockers: task.blockers };
}
