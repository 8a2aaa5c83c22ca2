/**
 * Typed errors per reason family. Every error carries the stable `reason` from the wire
 * (SPEC §5) and the JSON-RPC `code`; `switch (err.reason)` is the way to branch.
 */
export class PhasegateSdkError extends Error {
  readonly reason: string;
  readonly code: number;
  readonly data: Record<string, unknown>;

  constructor(code: number, reason: string, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.reason = reason;
    this.data = data;
  }
}

/** -32003: the contract forbids the call in this phase. */
export class PolicyDeniedError extends PhasegateSdkError {}
/** -32001: the phase token is missing, invalid, expired, superseded or for another task. */
export class TokenError extends PhasegateSdkError {}
/** -32010: the coordinator is unreachable, there is no task, or the lease was lost. */
export class CoordinatorError extends PhasegateSdkError {}
/** -32020: the call was allowed and executed, and failed (`data.detail` says why). */
export class ToolFailedError extends PhasegateSdkError {}
/** -32004: the sidecar could not write the audit record, so nothing was executed. */
export class AuditUnavailableError extends PhasegateSdkError {}
/** -32700..-32603: the request itself was malformed (a bug in the caller or the SDK). */
export class ProtocolError extends PhasegateSdkError {}
/** The socket closed or a request timed out before an answer arrived. */
export class ConnectionError extends PhasegateSdkError {
  constructor(message: string) {
    super(0, 'connection_lost', message);
  }
}

/** A human rejected the approval the agent was waiting for; `data.reason` is the approver's reason. */
export class ApprovalRejectedError extends PhasegateSdkError {
  constructor(approvalId: string, why: string) {
    super(0, 'approval_rejected', `approval ${approvalId} was rejected: ${why}`, { approval_id: approvalId, reason: why });
  }
}

/** The task was cancelled or handed to someone else while the agent waited (`lease.lost`). */
export class LeaseLostError extends PhasegateSdkError {
  constructor(message: string) {
    super(-32010, 'lease_lost', message);
  }
}

/** Maps a JSON-RPC error object to its typed error: the one place the SDK does so. */
export function errorFromRpc(error: { code: number; message: string; data?: Record<string, unknown> }): PhasegateSdkError {
  const data = error.data ?? {};
  const reason = typeof data.reason === 'string' ? data.reason : 'unknown';
  const Kind = errorKinds.get(error.code) ?? ProtocolError;
  // A refusal is an expected answer, not a bug: its stack (always this function) tells
  // nobody anything, and capturing one costs several µs per denied call.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Kind(error.code, reason, error.message, data);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const errorKinds = new Map<number, new (code: number, reason: string, message: string, data: Record<string, unknown>) => PhasegateSdkError>([
  [-32001, TokenError],
  [-32003, PolicyDeniedError],
  [-32004, AuditUnavailableError],
  [-32010, CoordinatorError],
  [-32020, ToolFailedError],
]);
