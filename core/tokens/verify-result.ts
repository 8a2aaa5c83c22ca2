/** Turns jose's verification outcome into PhaseClaims or a PhasegateError with a token reason code. */
import { errors, type JWTPayload } from 'jose';
import { PhasegateError } from '../errors.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from './claims-shape.js';
import type { PhaseClaims } from './types.js';

/** JWTExpired → token_expired; every other failure (signature, alg, aud, iss, kid, shape) → token_invalid. */
export function tokenErrorFromJose(err: unknown): PhasegateError {
  if (err instanceof PhasegateError) return err;
  if (err instanceof errors.JWTExpired) return new PhasegateError('token_expired', 'token expired', { jose: err.code });
  if (err instanceof errors.JOSEError) {
    const detail: Record<string, unknown> = { jose: err.code };
    if (err instanceof errors.JWTClaimValidationFailed) detail.claim = err.claim;
    return new PhasegateError('token_invalid', err.message, detail);
  }
  return new PhasegateError('token_invalid', 'malformed token');
}

/**
 * jose checked presence of the required claims, not their types. A correctly signed token with
 * the wrong shape is still refused, and the claims handed on are a frozen copy of known fields only.
 */
export function claimsFromPayload(p: JWTPayload): PhaseClaims {
  const bad = (claim: string, want: string): PhasegateError =>
    new PhasegateError('token_invalid', `"${claim}" claim must be ${want}`, { claim });
  // jose accepts an `aud` array containing ours; a token meant for other audiences too is not a phase token.
  if (p.aud !== TOKEN_AUDIENCE) throw bad('aud', `"${TOKEN_AUDIENCE}"`);
  if (p.iss !== TOKEN_ISSUER) throw bad('iss', `"${TOKEN_ISSUER}"`);
  for (const claim of ['sub', 'task_id', 'phase', 'jti'] as const) {
    const v = p[claim];
    if (typeof v !== 'string' || v.length === 0) throw bad(claim, 'a non-empty string');
  }
  if (typeof p.contract !== 'string') throw bad('contract', 'a string');
  if (!Number.isSafeInteger(p.epoch) || (p.epoch as number) < 0) throw bad('epoch', 'a non-negative integer');
  if (p.visit !== undefined && (!Number.isSafeInteger(p.visit) || (p.visit as number) < 0)) throw bad('visit', 'a non-negative integer');
  if (p.evidence !== undefined && (typeof p.evidence !== 'string' || !/^[0-9a-f]{64}$/.test(p.evidence))) throw bad('evidence', 'a sha256 hex digest');
  const tools = p.allowed_tools;
  if (!Array.isArray(tools) || !tools.every((t): t is string => typeof t === 'string')) throw bad('allowed_tools', 'an array of strings');
  for (const claim of ['iat', 'exp'] as const) {
    if (typeof p[claim] !== 'number') throw bad(claim, 'a number');
  }
  return Object.freeze({
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: p.sub as string,
    task_id: p.task_id as string,
    phase: p.phase as string,
    allowed_tools: Object.freeze([...tools]),
    epoch: p.epoch as number,
    contract: p.contract,
    ...(p.visit === undefined ? {} : { visit: p.visit as number }),
    ...(p.evidence === undefined ? {} : { evidence: p.evidence as string }),
    iat: p.iat as number,
    exp: p.exp as number,
    jti: p.jti as string,
  });
}
