/** The one place a local error becomes an HTTP status and `{error: {reason, message}}` on the sidecar's HTTP surface. */
import type { ServerResponse } from 'node:http';
import { closeAfterLinger } from '../../core/coordinator/http/linger.js';
import type { WireReason } from '../../core/errors.js';
import { toRpcError } from './rpc-errors.js';

const STATUS: Partial<Record<WireReason, number>> = {
  parse_error: 400,
  invalid_request: 400,
  invalid_params: 400,
  // SPEC §5: a refused tool call is 403, token problems included (the agent key itself was fine).
  token_missing: 403,
  token_invalid: 403,
  token_expired: 403,
  token_superseded: 403,
  token_wrong_task: 403,
  tool_forbidden: 403,
  tool_not_allowed: 403,
  path_outside_workspace: 403,
  path_not_permitted: 403,
  command_not_permitted: 403,
  shell_operator: 403,
  no_task: 409,
  lease_lost: 409,
  task_paused: 409,
  tool_failed: 422,
  audit_unavailable: 503,
  // The host cannot confine commands: a server-side condition, nothing was executed.
  sandbox_unavailable: 503,
  limit_exceeded: 503,
  coordinator_unavailable: 503,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Same reasons and detail as the JSON-RPC surface; unknown errors are 500 internal_error without a stack. */
export function sendError(res: ServerResponse, err: unknown): void {
  const { message, data } = toRpcError(err);
  const { reason, ...detail } = data;
  // A refused body may still be arriving: discard it for a moment, then close (linger.ts).
  if (reason === 'limit_exceeded' || reason === 'invalid_request') closeAfterLinger(res.req, res);
  sendJson(res, STATUS[reason] ?? 500, { error: { reason, message, ...detail } });
}
