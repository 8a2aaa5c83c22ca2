/** Who made a decision, as recorded in `decided_by`: the role, which key, and the name the caller gave. */
import { createHash } from 'node:crypto';
import type { RouteContext } from './router.js';
import { sessionOf } from './ui-session.js';

/** Header an operator's client may send to name the person behind the key (recorded, never trusted for access). */
export const OPERATOR_HEADER = 'x-phasegate-operator';

/**
 * `admin:3fa29c1b0e4d (alice)`: the role, the first 12 hex digits of the key's sha256 (says
 * which key without revealing it), and the self-declared operator name when one was sent.
 * The name is reduced to a safe charset: it is shown on operators' terminals and pages.
 */
export function decidedBy(ctx: RouteContext): string {
  const match = /^Bearer ([^\s]+)\s*$/i.exec(ctx.headers.authorization ?? '');
  // A dashboard decision: the key and name given at sign-in.
  const session = match === null ? sessionOf(ctx.headers) : undefined;
  const fingerprint = match !== null ? createHash('sha256').update(match[1] ?? '').digest('hex').slice(0, 12) : (session?.keyFingerprint ?? 'none');
  const raw = ctx.headers[OPERATOR_HEADER];
  const name = session !== undefined ? session.operator : typeof raw === 'string' ? raw.replace(/[^\w.@+-]/g, '').slice(0, 64) : '';
  return `${ctx.role ?? 'anyone'}:${fingerprint}${name === '' ? '' : ` (${name})`}`;
}
