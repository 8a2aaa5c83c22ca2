/**
 * Shape checks of JSON-RPC params (SPEC §5), run before anything looks at the session: a
 * malformed request is -32602 `invalid_params` whether or not a task is claimed, paused or
 * lost, so an agent learns what is wrong with its request, not what state the sidecar is in.
 * Only types are checked here; what a value means (a token's signature, a path's place in
 * the workspace, a tool allowed in this phase) is for the later steps.
 */
import { PhasegateError } from '../../core/errors.js';
import { isArgsObject, TOOL_SPECS } from '../../core/policy/tool-args.js';

type Obj = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string, path?: string): PhasegateError {
  return new PhasegateError('invalid_params', message, path === undefined ? undefined : { path });
}

/** A present token must be a string; a missing one is `token_missing`, decided later. */
function checkToken(p: Obj): void {
  if (p.token !== undefined && typeof p.token !== 'string') throw invalid('token must be a string', 'token');
}

/** `{token}` methods (task.status, state.snapshot, token.refresh): returns the token, still unchecked. */
export function parseTokenParams(params: unknown): unknown {
  if (!isObject(params)) throw invalid('params must be an object {token}');
  checkToken(params);
  return params.token;
}

/** `contract.describe`: params may be absent; a token, if given, must be a string. */
export function parseDescribeParams(params: unknown): unknown {
  if (params === undefined || params === null) return undefined;
  if (!isObject(params)) throw invalid('params must be an object {token?}');
  checkToken(params);
  return params.token;
}

/**
 * Why `tool.call` params are malformed, or undefined: an object with a string token (if
 * any), a non-empty string tool, an args object, and for a built-in tool args of its shape.
 * An unknown tool name is not malformed: the policy refuses it (`tool_not_allowed`).
 */
export function toolCallProblem(params: unknown): string | undefined {
  if (!isObject(params)) return 'params must be an object {token, tool, args}';
  if (params.token !== undefined && typeof params.token !== 'string') return 'token must be a string';
  if (typeof params.tool !== 'string' || params.tool === '') return 'tool must be a non-empty string';
  if (!isArgsObject(params.args)) return 'args must be an object';
  const spec = TOOL_SPECS.get(params.tool);
  if (spec !== undefined && !spec.valid(params.args)) return `invalid arguments for ${params.tool}`;
  return undefined;
}
