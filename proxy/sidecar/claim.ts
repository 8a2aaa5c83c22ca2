/** `task.claim`: forwards a claim under the sidecar's own agent id and adopts the result. */
import { PhasegateError } from '../../core/errors.js';
import type { ClaimResponse } from '../../core/coordinator/types.js';
import { verifyCached } from '../../core/tokens/index.js';
import { appendQuietly, sessionEntry } from './audit-entries.js';
import type { SidecarContext } from './context.js';
import type { ClaimParams, ClaimResult } from './types.js';

export function parseClaimParams(params: unknown): ClaimParams {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw new PhasegateError('invalid_params', 'params must be an object');
  const { capabilities, task_id } = params as Record<string, unknown>;
  const out: ClaimParams = {};
  if (capabilities !== undefined) {
    if (!Array.isArray(capabilities) || !capabilities.every((c) => typeof c === 'string')) {
      throw new PhasegateError('invalid_params', 'capabilities must be an array of strings', { path: 'capabilities' });
    }
    out.capabilities = capabilities;
  }
  if (task_id !== undefined) {
    if (typeof task_id !== 'string' || task_id === '') throw new PhasegateError('invalid_params', 'task_id must be a non-empty string', { path: 'task_id' });
    out.task_id = task_id;
  }
  return out;
}

/** What this sidecar holds, in `task.claim`'s result shape, or undefined when it holds nothing usable. */
function held(ctx: SidecarContext): ClaimResult | undefined {
  const s = ctx.session;
  if ((s.state !== 'active' && s.state !== 'paused') || s.task === undefined || s.token === undefined || s.assignment === undefined) return undefined;
  return { task: s.task, phase: s.assignment.phase, token: s.token, lease_expires_at: s.leaseExpiresAt ?? '' };
}

/**
 * The coordinator's claim reply becomes the session. The token's signed claims, not the task
 * record, decide phase and epoch; a token for someone else is a coordinator fault, refused.
 */
export async function adoptClaim(ctx: SidecarContext, res: ClaimResponse): Promise<ClaimResult> {
  const claims = await verifyCached(ctx.cache, ctx.verifier, res.phase_token, Math.floor(ctx.now() / 1000));
  if (claims.sub !== ctx.agentId || claims.task_id !== res.task.id) throw new PhasegateError('token_wrong_task', 'coordinator issued a token for another agent or task');
  ctx.session.adopt(res.task, res.phase_token, claims, res.lease_expires_at);
  await appendQuietly(ctx, sessionEntry(ctx, 'task_claimed', { epoch: claims.epoch }));
  ctx.logger.info({ event: 'task_claimed', task_id: res.task.id, phase: claims.phase, epoch: claims.epoch }, 'task_claimed');
  return { task: res.task, phase: claims.phase, token: res.phase_token, lease_expires_at: res.lease_expires_at };
}

/**
 * The capabilities a claim is made with: the operator's grant, or the part of it the agent
 * asked for. Attack stopped: an agent declaring `capabilities: ["review"]` to claim (its own)
 * review task. Asking for a capability the operator did not grant is refused, not ignored,
 * so a misconfigured reviewer learns why it gets no review task.
 */
export function grantedCapabilities(ctx: SidecarContext, asked: readonly string[] | undefined): string[] {
  if (asked === undefined) return [...ctx.capabilities];
  const missing = asked.filter((c) => !ctx.capabilities.includes(c));
  if (missing.length > 0) {
    throw new PhasegateError(
      'invalid_params',
      `capability ${missing.map((c) => JSON.stringify(c)).join(', ')} was not granted to this agent; the operator grants capabilities (phasegate sidecar --capability, phasegate run --capability), granted: ${ctx.capabilities.length === 0 ? 'none' : ctx.capabilities.join(', ')}`,
      { path: 'capabilities' },
    );
  }
  return [...new Set(asked)];
}

/** One claim in flight per sidecar: the wrapper and the agent claiming at once get the same task. */
const claiming = new WeakMap<SidecarContext, Promise<ClaimResult>>();

/**
 * Idempotent while a task is held (the wrapper claims before launching the agent, and the
 * agent claims again): the held task comes back with the current token. The agent id sent
 * is always this sidecar's own — an agent cannot claim in another agent's name.
 */
export function claimTask(ctx: SidecarContext, params: ClaimParams): Promise<ClaimResult> {
  const current = held(ctx);
  if (current !== undefined) {
    if (params.task_id !== undefined && params.task_id !== current.task.id) {
      return Promise.reject(new PhasegateError('no_task', `this sidecar already holds task ${current.task.id}`));
    }
    return Promise.resolve(current);
  }
  const inFlight = claiming.get(ctx);
  if (inFlight !== undefined) return inFlight;
  let capabilities: string[];
  try {
    capabilities = grantedCapabilities(ctx, params.capabilities);
  } catch (err) {
    return Promise.reject(err);
  }
  const p = ctx.coordinator
    .claim({ agent_id: ctx.agentId, ...(params.task_id === undefined ? {} : { task_id: params.task_id }), capabilities })
    .then((res) => adoptClaim(ctx, res))
    .finally(() => claiming.delete(ctx));
  claiming.set(ctx, p);
  return p;
}
