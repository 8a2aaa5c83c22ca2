/** The one place a local error becomes a JSON-RPC error object (SPEC §5 error table). */
import { PhasegateError, type ReasonCode, type WireReason } from '../../core/errors.js';

export interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data: { readonly reason: WireReason; readonly [k: string]: unknown };
}

const CODES: Record<WireReason, number> = {
  parse_error: -32700,
  invalid_request: -32600,
  method_not_found: -32601,
  invalid_params: -32602,
  internal_error: -32603,
  token_missing: -32001,
  token_invalid: -32001,
  token_expired: -32001,
  token_superseded: -32001,
  token_wrong_task: -32001,
  tool_forbidden: -32003,
  tool_not_allowed: -32003,
  path_outside_workspace: -32003,
  path_not_permitted: -32003,
  command_not_permitted: -32003,
  shell_operator: -32003,
  audit_unavailable: -32004,
  coordinator_unavailable: -32010,
  no_task: -32010,
  lease_lost: -32010,
  task_paused: -32010,
  sandbox_unavailable: -32005,
  limit_exceeded: -32000,
  tool_failed: -32020,
};

/**
 * Coordinator-only reasons (SPEC §7) seen by the agent as the nearest wire reason; the
 * original travels in `data.coordinator_reason`. A rejected sidecar key is the operator's
 * problem, not the agent's: to the agent the coordinator is simply unavailable.
 */
const FROM_HTTP: Readonly<Record<string, WireReason | undefined>> & Record<Exclude<ReasonCode, WireReason>, WireReason> = {
  unauthorized: 'coordinator_unavailable',
  forbidden: 'coordinator_unavailable',
  not_found: 'no_task',
  conflict: 'no_task',
  task_not_claimable: 'no_task',
  task_not_claimed: 'lease_lost',
  body_too_large: 'invalid_params',
  invalid_body: 'invalid_params',
  approval_not_pending: 'invalid_request',
};

function isWireReason(code: ReasonCode): code is WireReason {
  return Object.hasOwn(CODES, code);
}

/** The wire reason an error is reported as; a reason this build does not know (newer coordinator) is an unavailable coordinator. */
export function wireReasonOf(code: ReasonCode): WireReason {
  return isWireReason(code) ? code : FROM_HTTP[code] ?? 'coordinator_unavailable';
}

/** JSON-RPC error for any thrown value. Unknown failures become -32603 with no stack or message leak. */
export function toRpcError(err: unknown): RpcError {
  if (!(err instanceof PhasegateError)) return { code: -32603, message: 'internal error', data: { reason: 'internal_error' } };
  const reason = wireReasonOf(err.code);
  const data: Record<string, unknown> = { ...err.detail, reason };
  if (reason !== err.code) data.coordinator_reason = err.code;
  return { code: CODES[reason], message: err.message, data: data as RpcError['data'] };
}

export function rpcErrorFor(reason: WireReason, message: string, detail?: Record<string, unknown>): RpcError {
  return { code: CODES[reason], message, data: { ...detail, reason } };
}
