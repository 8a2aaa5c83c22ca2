/**
 * Decision values. Common refusals are frozen constants so the hot path allocates
 * nothing for them; a decision is never mutated after it leaves `decide`.
 */
import type { PolicyReason, TokenReason } from '../errors.js';
import type { Decision } from './types.js';

export type DecisionReason = TokenReason | PolicyReason | 'invalid_params';

export function deny(reason: DecisionReason, message: string, path?: string, argv?: readonly string[]): Decision {
  return Object.freeze({ decision: 'deny', reason, message, path, argv });
}

/** The permissive-mode twin of a soft denial, carrying what the executor needs to proceed. */
export function wouldDeny(soft: Decision, path: string | undefined, argv: readonly string[] | undefined): Decision {
  return { decision: 'would_deny', reason: soft.reason, message: soft.message, path, argv };
}

export const ALLOW: Decision = Object.freeze({ decision: 'allow' });
export const TOKEN_WRONG_TASK = deny('token_wrong_task', 'token is for another task or agent');
export const TOKEN_EXPIRED = deny('token_expired', 'token has expired');
export const TOKEN_SUPERSEDED = deny('token_superseded', 'token is from an earlier phase or claim');
export const TOOL_NAME_INVALID = deny('invalid_params', 'tool must be a string');
export const ARGS_NOT_OBJECT = deny('invalid_params', 'args must be an object');
export const EMPTY_COMMAND = deny('invalid_params', 'command is empty');
