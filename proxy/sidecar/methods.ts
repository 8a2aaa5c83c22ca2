/** The JSON-RPC method table of SPEC §5. */
import { PhasegateError } from '../../core/errors.js';
import { claimTask, parseClaimParams } from './claim.js';
import type { SidecarContext } from './context.js';
import { describeContract } from './contract-describe.js';
import { isLeaseLoss, loseLease } from './lease.js';
import { parseTokenParams } from './params.js';
import { adoptFreshToken } from './phase-sync.js';
import type { RpcHandler, RpcMethods } from './rpc.js';
import { sessionClaims } from './token-check.js';
import { toolCall } from './tool-call.js';
import { parseTransitionParams, transitionTask } from './transition.js';

/**
 * `task.status` is served from the sidecar's own knowledge (the coordinator's task route is
 * admin-only): the task as last claimed, updated by transitions and events.
 */
async function taskStatus(ctx: SidecarContext, params: unknown): Promise<unknown> {
  // Read-only, so a token of an earlier phase of this claim will do (e.g. after an approval completed the task).
  await sessionClaims(ctx, parseTokenParams(params), { allowPaused: true, allowEarlierPhase: true });
  const task = ctx.session.task;
  if (task === undefined) throw new PhasegateError('no_task', 'no task claimed');
  return { task, phase: task.phase, status: task.status, history: task.history };
}

async function snapshot(ctx: SidecarContext, params: unknown): Promise<unknown> {
  const token = parseTokenParams(params);
  await sessionClaims(ctx, token, { allowPaused: true });
  return ctx.coordinator.snapshot(token as string);
}

/** A token of an earlier phase of the same claim is accepted: that is how an agent catches up after an approval. */
async function refresh(ctx: SidecarContext, params: unknown): Promise<{ token: string }> {
  const token = parseTokenParams(params);
  await sessionClaims(ctx, token, { allowEarlierPhase: true, allowPaused: true });
  const fresh = await ctx.coordinator.refresh(token as string);
  await adoptFreshToken(ctx, fresh);
  return { token: fresh };
}

export function createMethods(ctx: SidecarContext): RpcMethods {
  /** A coordinator answer that our claim is gone ends the session, whichever method saw it first. */
  const guarded =
    (fn: (params: unknown) => Promise<unknown>): RpcHandler =>
    async (params) => {
      try {
        return await fn(params);
      } catch (err) {
        if (isLeaseLoss(err)) loseLease(ctx, 'coordinator refused the claim');
        throw err;
      }
    };
  return new Map<string, RpcHandler>([
    ['task.claim', async (p) => claimTask(ctx, parseClaimParams(p))],
    // The phase fence: a transition waits for the calls in flight, and calls wait for it.
    ['task.transition', guarded(async (p) => ctx.fence.transition(() => transitionTask(ctx, parseTransitionParams(p))))],
    ['task.status', guarded((p) => taskStatus(ctx, p))],
    ['state.snapshot', guarded((p) => snapshot(ctx, p))],
    ['token.refresh', guarded((p) => refresh(ctx, p))],
    ['tool.call', (p) => ctx.fence.call(() => toolCall(ctx, p))],
    ['contract.describe', (p) => describeContract(ctx, p)],
  ]);
}
