/**
 * Every public failure has a stable string code. Wire reasons (SPEC §5) and HTTP reasons
 * (SPEC §7) are the same strings; tests assert the code, never the message.
 */

/** Reasons an agent sees on the JSON-RPC wire (SPEC §5). */
export type WireReason =
  | 'parse_error'
  | 'invalid_request'
  | 'method_not_found'
  | 'invalid_params'
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'token_superseded'
  | 'token_wrong_task'
  | 'tool_forbidden'
  | 'tool_not_allowed'
  | 'path_outside_workspace'
  | 'path_not_permitted'
  | 'command_not_permitted'
  | 'shell_operator'
  | 'audit_unavailable'
  | 'coordinator_unavailable'
  | 'no_task'
  | 'lease_lost'
  /** Sidecar addition (-32010): the operator paused the task; tool calls wait for `task.resumed`. */
  | 'task_paused'
  /** -32005: a command could not be confined (SPEC §11); nothing was executed. */
  | 'sandbox_unavailable'
  /** Sidecar addition: a sidecar-wide limit (SPEC §11 Limits: body memory, connections) refused the request; retry later. */
  | 'limit_exceeded'
  | 'tool_failed'
  | 'internal_error';

/** Reasons the coordinator's HTTP API returns in `{error: {reason}}` besides the wire ones. */
export type HttpReason =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'body_too_large'
  | 'invalid_body'
  | 'task_not_claimable'
  | 'task_not_claimed'
  | 'approval_not_pending';

export type ReasonCode = WireReason | HttpReason;

/** Token failures the verifier reports (a subset of WireReason). */
export type TokenReason = Extract<
  WireReason,
  'token_missing' | 'token_invalid' | 'token_expired' | 'token_superseded' | 'token_wrong_task'
>;

/** Policy denials (JSON-RPC -32003). */
export type PolicyReason = Extract<
  WireReason,
  | 'tool_forbidden'
  | 'tool_not_allowed'
  | 'path_outside_workspace'
  | 'path_not_permitted'
  | 'command_not_permitted'
  | 'shell_operator'
>;

/** A local error carrying a stable code; mapped to the wire in exactly one place per surface. */
export class PhasegateError extends Error {
  readonly code: ReasonCode;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ReasonCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'PhasegateError';
    this.code = code;
    this.detail = detail;
  }
}
