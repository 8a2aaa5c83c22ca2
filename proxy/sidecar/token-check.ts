/** Token and session checks for the methods that are not tool calls (those go through policy.decide). */
import { PhasegateError } from '../../core/errors.js';
import { verifyCached } from '../../core/tokens/index.js';
import type { PhaseClaims } from '../../core/tokens/types.js';
import type { SidecarContext } from './context.js';
import { refusal } from './refusal.js';
import type { SessionState } from './session.js';

/** Why a session in `state` cannot act, or undefined when it can. */
export function stateRefusal(state: SessionState): PhasegateError | undefined {
  switch (state) {
    case 'active':
    case 'done':
      return undefined;
    case 'idle':
      return refusal('no_task', 'no task claimed: call task.claim first');
    case 'paused':
      return refusal('task_paused', 'the task is paused by an operator');
    case 'lost':
      return refusal('lease_lost', 'the lease on the task was lost; claim again');
  }
}

export interface ClaimsCheck {
  /** Accept a token of an earlier phase of the same claim (token.refresh exchanges exactly those). */
  allowEarlierPhase?: boolean;
  /** Accept while paused (read-only methods). */
  allowPaused?: boolean;
}

/**
 * Verifies `token` (signature via the claims cache) and that it belongs to this session's
 * current claim: another agent's or task's token is `token_wrong_task`, one of an earlier
 * claim (epoch) or phase is `token_superseded`.
 */
export async function sessionClaims(ctx: SidecarContext, token: unknown, check: ClaimsCheck = {}): Promise<PhaseClaims> {
  const s = ctx.session;
  const refusal = s.state === 'paused' && check.allowPaused === true ? undefined : stateRefusal(s.state);
  if (refusal !== undefined) throw refusal;
  if (typeof token !== 'string' || token.length === 0) throw new PhasegateError('token_missing', 'params.token is required');
  const nowSec = Math.floor(ctx.now() / 1000);
  const claims = await verifyCached(ctx.cache, ctx.verifier, token, nowSec);
  const a = s.assignment;
  if (a === undefined) throw new PhasegateError('no_task', 'no task claimed');
  if (claims.sub !== a.agentId || claims.task_id !== a.taskId) throw new PhasegateError('token_wrong_task', 'token is for another task or agent');
  const earlier = claims.phase !== a.phase || (a.visit !== undefined && claims.visit !== a.visit);
  if (claims.epoch !== a.epoch || (earlier && check.allowEarlierPhase !== true)) {
    throw new PhasegateError('token_superseded', 'token is from an earlier phase, visit or claim');
  }
  return claims;
}
