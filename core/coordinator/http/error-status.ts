/** The one place a local error becomes an HTTP status and `{error: {reason, message, path?}}` body. */
import { PhasegateError, type ReasonCode } from '../../errors.js';

export interface ErrorBody {
  readonly error: { readonly reason: ReasonCode; readonly message: string; readonly path?: string };
}

const STATUS: Partial<Record<ReasonCode, number>> = {
  invalid_body: 400,
  invalid_request: 400,
  invalid_params: 400,
  parse_error: 400,
  token_missing: 400,
  unauthorized: 401,
  forbidden: 403,
  // A bad token is an authorization failure of a caller whose key was accepted, not a missing login.
  token_invalid: 403,
  token_expired: 403,
  token_wrong_task: 403,
  not_found: 404,
  no_task: 404,
  conflict: 409,
  task_not_claimable: 409,
  task_not_claimed: 409,
  approval_not_pending: 409,
  // Superseded tokens and lost leases are a state conflict: the caller must refresh or re-claim.
  token_superseded: 409,
  lease_lost: 409,
  body_too_large: 413,
  coordinator_unavailable: 503,
};

/** HTTP status for a reason code; anything unmapped is a server fault. */
export function statusFor(code: ReasonCode): number {
  return STATUS[code] ?? 500;
}

/** Maps any thrown value to a status and body. Unknown errors become 500 `internal_error` without a stack. */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof PhasegateError) {
    const status = statusFor(err.code);
    if (status === 500) return internal();
    const path = typeof err.detail?.path === 'string' ? err.detail.path : undefined;
    return { status, body: { error: { reason: err.code, message: err.message, ...(path === undefined ? {} : { path }) } } };
  }
  return internal();
}

function internal(): { status: number; body: ErrorBody } {
  return { status: 500, body: { error: { reason: 'internal_error', message: 'internal error' } } };
}
