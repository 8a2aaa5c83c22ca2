/**
 * JSON-RPC 2.0 framing: one request object per text frame. Malformed input gets an error
 * response and never closes the connection. Batches (arrays) are refused with -32600:
 * one frame, one call keeps backpressure accounting per call exact.
 */
import type { Logger } from '../../core/log.js';
import { rpcErrorFor, toRpcError, type RpcError } from './rpc-errors.js';

export type RpcHandler = (params: unknown) => Promise<unknown>;
export type RpcMethods = ReadonlyMap<string, RpcHandler>;
type Id = string | number | null;

export function rpcResult(id: Id, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
}

export function rpcFailure(id: Id, error: RpcError): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

export function rpcNotification(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}

function isId(v: unknown): v is Id {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** Handles one frame; resolves to the response text, or undefined for a notification (no `id`). */
export async function handleRpcFrame(methods: RpcMethods, text: string, logger: Logger): Promise<string | undefined> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return rpcFailure(null, rpcErrorFor('parse_error', 'invalid JSON'));
  }
  if (Array.isArray(msg)) return rpcFailure(null, rpcErrorFor('invalid_request', 'batch requests are not supported: send one request per frame'));
  if (typeof msg !== 'object' || msg === null) return rpcFailure(null, rpcErrorFor('invalid_request', 'a request must be a JSON object'));
  const req = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  const hasId = Object.hasOwn(req, 'id');
  if (hasId && !isId(req.id)) return rpcFailure(null, rpcErrorFor('invalid_request', 'id must be a string, number or null'));
  const id: Id = hasId ? (req.id as Id) : null;
  if (req.jsonrpc !== '2.0' || typeof req.method !== 'string') {
    return rpcFailure(id, rpcErrorFor('invalid_request', 'expected {"jsonrpc": "2.0", "method": string}'));
  }
  const handler = methods.get(req.method);
  if (handler === undefined) return hasId ? rpcFailure(id, rpcErrorFor('method_not_found', `unknown method ${req.method}`)) : undefined;
  try {
    const result = await handler(req.params);
    return hasId ? rpcResult(id, result) : undefined;
  } catch (err) {
    const error = toRpcError(err);
    if (error.code === -32603) logger.error({ event: 'rpc_internal_error', method: req.method, err }, 'rpc_internal_error');
    return hasId ? rpcFailure(id, error) : undefined;
  }
}
