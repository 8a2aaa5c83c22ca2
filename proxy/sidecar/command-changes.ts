/**
 * The change review (SPEC §11): every file a sandboxed command created, modified or deleted
 * is decided by the same `decide()` as a `write_file` / `delete_file` of that path in the
 * phase the command was allowed in — protected paths, deny and allow globs, the test lock,
 * permissive mode — with the command's own token claims. Permitted changes go to the
 * workspace through its confined write/delete; refused ones are discarded with the rest of
 * the private upper folder. One `change` audit record per file (SPEC §9).
 */
import { createHash } from 'node:crypto';
import { PhasegateError } from '../../core/errors.js';
import type { BoundPolicy, Decision } from '../../core/policy/types.js';
import type { PhaseClaims } from '../../core/tokens/types.js';
import type { AuditEntry } from '../audit/types.js';
import type { UpperChange } from '../sandbox/index.js';
import type { PendingChanges } from '../tools/types.js';
import type { SidecarContext } from './context.js';
import { wireReasonOf } from './rpc-errors.js';

/** The call a command ran under: its audit id and the claims its decision used. */
export interface CommandCall {
  readonly id: string;
  readonly tool: string;
  readonly claims: PhaseClaims;
  readonly nowSec: number;
}

export interface ChangesResult {
  readonly applied: string[];
  readonly refused: { path: string; reason: string }[];
}

/**
 * More changed files than this and none is applied: each would be an audit record and a line
 * of the result, and a command must not grow the log without bound (SPEC §9).
 */
export const MAX_CHANGES = 10_000;

/** Parallel writes: the workspace's confined write is a chain of small async fs calls. */
const APPLY_CONCURRENCY = 16;

interface Reviewed {
  readonly change: UpperChange;
  readonly decision: Decision;
  /** Of the new content (created/modified files), for the `change` record. */
  digest?: { sha256: string; bytes: number };
  outcome?: { applied: true } | { applied: false; reason: string };
}

function decideChange(policy: BoundPolicy, call: CommandCall, c: UpperChange): Decision {
  if (c.unsupported !== undefined) {
    return { decision: 'deny', reason: 'path_not_permitted', message: `a command may not create a ${c.unsupported}: ${c.path}`, path: c.path };
  }
  const args = c.change === 'deleted' ? { path: c.path } : { path: c.path, content: '' };
  return policy.decide(call.claims, { tool: c.change === 'deleted' ? 'delete_file' : 'write_file', args }, call.nowSec);
}

/** Still the phase and claim the command was decided in? (The phase fence, SPEC §11.) */
function samePhase(ctx: SidecarContext, policy: BoundPolicy): boolean {
  const a = ctx.session.assignment;
  return ctx.session.policy === policy && a !== undefined && a.phase === policy.assignment.phase && a.epoch === policy.assignment.epoch;
}

/** Reads a new file's content from the upper folder (one file at a time: memory follows the concurrency, not the change). */
function load(pending: PendingChanges, r: Reviewed): Buffer {
  const data = pending.read(r.change);
  r.digest = { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
  return data;
}

async function applyOne(ctx: SidecarContext, policy: BoundPolicy, pending: PendingChanges, r: Reviewed): Promise<void> {
  const tool = r.change.change === 'deleted' ? 'delete_file' : 'write_file';
  const recheck = (real: string): void => {
    const d = policy.checkRealPath(tool, real);
    if (d.decision === 'deny') throw new PhasegateError(d.reason ?? 'path_not_permitted', d.message ?? `path not permitted: ${real}`, { path: real });
  };
  try {
    if (r.change.change === 'deleted') await ctx.workspace.deleteFile(r.change.path, recheck);
    else await ctx.workspace.writeBytes(r.change.path, load(pending, r), r.change.mode, recheck);
    r.outcome = { applied: true };
  } catch (err) {
    // A file deleted meanwhile is already what the command wanted.
    if (r.change.change === 'deleted' && err instanceof PhasegateError && err.detail?.['errno'] === 'ENOENT') r.outcome = { applied: true };
    else r.outcome = { applied: false, reason: err instanceof PhasegateError ? wireReasonOf(err.code) : 'tool_failed' };
  }
}

async function applyAll(ctx: SidecarContext, policy: BoundPolicy, pending: PendingChanges, list: Reviewed[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) await applyOne(ctx, policy, pending, list[next++] as Reviewed);
  };
  await Promise.all(Array.from({ length: Math.min(APPLY_CONCURRENCY, list.length) }, worker));
}

function changeEntry(ctx: SidecarContext, policy: BoundPolicy, call: CommandCall, r: Reviewed): AuditEntry {
  const a = policy.assignment;
  const applied = r.outcome?.applied === true;
  const digest = r.digest ?? {};
  const reason = r.outcome !== undefined && !r.outcome.applied ? r.outcome.reason : (r.decision.reason ?? null);
  return {
    type: 'change', call_id: call.id, agent_id: ctx.agentId, task_id: a.taskId, phase: a.phase, tool: call.tool,
    args: { path: r.change.path, change: r.change.change, ...digest },
    decision: applied ? r.decision.decision : 'deny', reason, result: null, duration_us: null,
  };
}

/**
 * Decides, applies and audits a command's changes, then disposes of them. Throws tool_failed
 * `phase_changed` (nothing applied) if the task left the phase while the command ran.
 */
export async function settleChanges(ctx: SidecarContext, policy: BoundPolicy, call: CommandCall, pending: PendingChanges, maxChanges = MAX_CHANGES): Promise<ChangesResult> {
  try {
    if (pending.list.length > maxChanges) {
      ctx.logger.warn({ event: 'command_changes_over_limit', call_id: call.id, changes: pending.list.length }, 'command_changes_over_limit');
      const detail = `too_many_changes: ${pending.list.length} files (at most ${maxChanges}); none applied`;
      throw new PhasegateError('tool_failed', `the command changed ${pending.list.length} files; at most ${maxChanges} are reviewed, so none was applied`, { detail });
    }
    const reviewed: Reviewed[] = pending.list.map((change) => ({ change, decision: decideChange(policy, call, change) }));
    const fenced = !samePhase(ctx, policy);
    if (fenced) {
      for (const r of reviewed) r.outcome = { applied: false, reason: 'phase_changed' };
    } else {
      const permitted = reviewed.filter((r) => r.decision.decision !== 'deny');
      for (const r of reviewed) if (r.decision.decision === 'deny') r.outcome = { applied: false, reason: r.decision.reason ?? 'path_not_permitted' };
      // Deletions first: a file replaced by a folder of the same name must be gone before the folder's files land.
      await applyAll(ctx, policy, pending, permitted.filter((r) => r.change.change === 'deleted'));
      await applyAll(ctx, policy, pending, permitted.filter((r) => r.change.change !== 'deleted'));
    }
    for (const r of reviewed) {
      if (r.digest === undefined && r.change.source !== undefined) {
        try {
          load(pending, r);
        } catch {
          // unreadable upper file: the record goes without a digest
        }
      }
    }
    await Promise.all(reviewed.map((r) => ctx.audit.append(changeEntry(ctx, policy, call, r)).catch((err: Error) => {
      ctx.logger.error({ event: 'audit_change_lost', call_id: call.id, path: r.change.path, err: err.message }, 'audit_change_lost');
    })));
    if (fenced) {
      ctx.logger.warn({ event: 'command_fenced', call_id: call.id, changes: reviewed.length }, 'command_fenced');
      throw new PhasegateError('tool_failed', 'the task left the phase while the command ran; its changes were discarded', { detail: 'phase_changed' });
    }
    const result: ChangesResult = { applied: [], refused: [] };
    for (const r of reviewed) {
      if (r.outcome?.applied === true) result.applied.push(r.change.path);
      else result.refused.push({ path: r.change.path, reason: r.outcome?.applied === false ? r.outcome.reason : 'path_not_permitted' });
    }
    if (result.refused.length > 0) ctx.logger.info({ event: 'command_changes_refused', call_id: call.id, refused: result.refused.length }, 'command_changes_refused');
    return result;
  } finally {
    await pending.dispose();
  }
}
