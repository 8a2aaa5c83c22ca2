/** Bearer-key roles: which of the configured keys (admin, sidecar, auditor) a request carries. */
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { PhasegateError } from '../../errors.js';

/** `auditor` reads tasks, approvals, events and checkpoints and decides nothing. */
export type Role = 'admin' | 'sidecar' | 'auditor';
/** Who may call a route: a list of roles, or `anyone` (no key needed). */
export type Access = readonly Role[] | 'anyone';

export interface Authenticator {
  /** The role a request's bearer key grants, or null for no/unknown key. */
  roleOf(headers: IncomingHttpHeaders): Role | null;
  /** Throws 401 `unauthorized` for a missing/wrong key and 403 `forbidden` for a role outside `access`. */
  authorize(headers: IncomingHttpHeaders, access: Access): Role | null;
}

/**
 * Keys are compared as sha256 digests with timingSafeEqual: equal lengths always, and the
 * comparison time reveals nothing about how much of a guessed key was right (timing attack).
 */
export function createAuthenticator(keys: { admin: string; sidecar: string; auditor: string }): Authenticator {
  const digest = (s: string): Buffer => hash('sha256', s, 'buffer');
  const admin = digest(keys.admin);
  const sidecar = digest(keys.sidecar);
  const auditor = digest(keys.auditor);
  function roleOf(headers: IncomingHttpHeaders): Role | null {
    const header = headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer ([^\s]+)\s*$/i.exec(header);
    if (match === null) return null;
    const presented = digest(match[1] ?? '');
    // Every comparison always runs, so timing does not tell which role a key was close to.
    const isAdmin = timingSafeEqual(presented, admin);
    const isSidecar = timingSafeEqual(presented, sidecar);
    const isAuditor = timingSafeEqual(presented, auditor);
    return isAdmin ? 'admin' : isSidecar ? 'sidecar' : isAuditor ? 'auditor' : null;
  }
  return {
    roleOf,
    authorize(headers, access) {
      if (access === 'anyone') return roleOf(headers);
      const role = roleOf(headers);
      if (role === null) {
        const why = headers.authorization === undefined ? 'missing Authorization: Bearer key' : 'unknown bearer key';
        throw new PhasegateError('unauthorized', why);
      }
      if (!access.includes(role)) throw new PhasegateError('forbidden', `the ${role} key may not call this route (needs ${access.join(' or ')})`);
      return role;
    },
  };
}
