/** `task.transition`: local token check, evidence the sidecar observed itself, forward, adopt the answer. */
import { PhasegateError } from '../../core/errors.js';
import type { TransitionResponse } from '../../core/coordinator/types.js';
import type { Blocker, Evidence } from '../../core/gates/types.js';
import { verifyCached } from '../../core/tokens/index.js';
import { appendQuietly, transitionEntry } from './audit-entries.js';
import { changedFiles } from './changed-files.js';
import type { SidecarContext } from './context.js';
import { sessionClaims } from './token-check.js';

export type TransitionResult =
  | { allowed: true; phase: string; token: string }
  | { allowed: false; blockers: readonly Blocker[] }
  | { allowed: false; status: 'awaiting_approval'; approval_id: string };

export interface TransitionParams {
  token: unknown;
  target_phase: string;
  artifacts: Record<string, unknown>;
}

export function parseTransitionParams(params: unknown): TransitionParams {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new PhasegateError('invalid_params', 'params must be an object');
  const p = params as Record<string, unknown>;
  if (p.token !== undefined && typeof p.token !== 'string') throw new PhasegateError('invalid_params', 'token must be a string', { path: 'token' });
  if (typeof p.target_phase !== 'string' || p.target_phase === '') throw new PhasegateError('invalid_params', 'target_phase must be a string', { path: 'target_phase' });
  const artifacts = p.artifacts ?? {};
  if (typeof artifacts !== 'object' || artifacts === null || Array.isArray(artifacts)) {
    throw new PhasegateError('invalid_params', 'artifacts must be an object {name: object}', { path: 'artifacts' });
  }
  return { token: p.token, target_phase: p.target_phase, artifacts: artifacts as Record<string, unknown> };
}

/**
 * Evidence for the gates, gathered here and never taken from the agent: this sidecar's own
 * test runs for the current claim, the hashes of the test files now, and the audit chain head.
 */
export async function collectEvidence(ctx: SidecarContext): Promise<Evidence> {
  const globs = ctx.session.workflow()?.lockGlobs ?? [];
  // Read before hashing: a change landing while we hash makes the runs stale, never fresh.
  const workspaceRevision = ctx.workspace.revision();
  const scan = globs.length === 0 ? { hashes: {}, links: [] } : await ctx.workspace.hashFiles(globs);
  return {
    test_runs: ctx.session.currentTestRuns(),
    test_hashes: scan.hashes,
    test_links: scan.links,
    workspace_revision: workspaceRevision,
    audit_head: ctx.audit.head(),
    files_changed: changedFiles(ctx),
  };
}

/** A transition of ours that takes the test lock: the sandbox mounts those files read-only from then on. */
function noteLock(ctx: SidecarContext, from: string, to: string, evidence: Evidence, res: TransitionResponse): void {
  const tr = ctx.session.workflow()?.transitionIndex.get(`${from}->${to}`);
  if (tr?.lockTests !== true) return;
  const files = Object.keys(evidence.test_hashes);
  if (res.allowed) ctx.session.lockTests(files);
  else if (res.status === 'awaiting_approval') ctx.session.lockTests(files, to);
}

/** Adopts the coordinator's answer to a transition of ours (also used by the HTTP forwarder). */
export async function adoptTransition(ctx: SidecarContext, from: string, to: string, res: TransitionResponse, sent?: Evidence): Promise<TransitionResult> {
  if (sent !== undefined) noteLock(ctx, from, to, sent, res);
  if (res.allowed) {
    if (typeof res.new_token !== 'string') throw new PhasegateError('coordinator_unavailable', 'coordinator allowed the transition without a token');
    const claims = await verifyCached(ctx.cache, ctx.verifier, res.new_token, Math.floor(ctx.now() / 1000));
    const a = ctx.session.assignment;
    if (a === undefined || claims.task_id !== a.taskId || claims.sub !== ctx.agentId) throw new PhasegateError('token_wrong_task', 'coordinator issued a token for another task');
    ctx.session.advance(claims, res.new_token, new Date(ctx.now()).toISOString());
    await appendQuietly(ctx, transitionEntry(ctx, from, claims.phase, 'applied'));
    ctx.logger.info({ event: 'phase_transition_applied', task_id: a.taskId, from, to: claims.phase }, 'phase_transition_applied');
    void ctx.checkpoint();
    return { allowed: true, phase: claims.phase, token: res.new_token };
  }
  if (res.status === 'awaiting_approval' && typeof res.approval_id === 'string') {
    ctx.session.setStatus('awaiting_approval');
    await appendQuietly(ctx, transitionEntry(ctx, from, to, 'awaiting_approval', { approval_id: res.approval_id }));
    return { allowed: false, status: 'awaiting_approval', approval_id: res.approval_id };
  }
  const blockers = res.blockers ?? [];
  await appendQuietly(ctx, transitionEntry(ctx, from, to, 'blocked', { blockers: blockers.map((b) => b.code) }));
  return { allowed: false, blockers };
}

export async function transitionTask(ctx: SidecarContext, params: TransitionParams): Promise<TransitionResult> {
  // Checked here first: the sidecar key is shared by every sidecar, so the coordinator cannot
  // tell whose evidence this is — another task's token must not carry our evidence to it.
  const claims = await sessionClaims(ctx, params.token);
  const token = params.token as string;
  const evidence = await collectEvidence(ctx);
  const res = await ctx.coordinator.transition({
    current_phase: claims.phase,
    target_phase: params.target_phase,
    phase_token: token,
    artifacts: params.artifacts,
    evidence,
  });
  return adoptTransition(ctx, claims.phase, params.target_phase, res, evidence);
}
