/**
 * Dashboard sessions: a login with the admin or auditor key sets an HttpOnly, SameSite=Strict
 * cookie naming a random session id; the key itself never reaches the page's script or a URL.
 * The cookie alone authorizes nothing: every HTTP call must also carry the session's CSRF
 * token in a header, and a WebSocket upgrade must come from the coordinator's own origin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { PhasegateError } from '../../errors.js';
import type { Authenticator, Role } from './auth.js';

export const SESSION_COOKIE = 'phasegate_ui';
export const CSRF_HEADER = 'x-phasegate-csrf';
/** Roles that may sign in to the dashboard; a sidecar key is refused. */
const UI_ROLES: ReadonlySet<string> = new Set(['admin', 'auditor']);

export interface UiSession {
  readonly id: string;
  readonly role: Role;
  readonly csrf: string;
  /** First 12 hex digits of the sign-in key's sha256: which key, without the key (for `decided_by`). */
  readonly keyFingerprint: string;
  /** The name the operator gave at sign-in ('' when none), reduced to a safe charset. */
  readonly operator: string;
  expiresAt: number;
}

/** The session that authorized a request (set by the session-aware authenticator), for `decided_by`. */
const authorizedBy = new WeakMap<IncomingHttpHeaders, UiSession>();
export function sessionOf(headers: IncomingHttpHeaders): UiSession | undefined {
  return authorizedBy.get(headers);
}

export interface UiSessions {
  /** Exchanges a bearer key for a session; 401 for an unknown key, 403 for a key that may not sign in. */
  login(key: string, operator?: string): UiSession;
  /** The live session named by the request's cookie, or null. */
  lookup(headers: IncomingHttpHeaders): UiSession | null;
  /** Ends the session named by the request's cookie (if any). */
  logout(headers: IncomingHttpHeaders): void;
  /** `Set-Cookie` value for a session, or one that clears the cookie when `session` is null. */
  cookie(session: UiSession | null): string;
  /** The bearer authenticator extended with session cookies (see `sessionAwareAuth`). */
  wrap(auth: Authenticator): Authenticator;
}

export interface UiSessionOptions {
  readonly auth: Authenticator;
  readonly now?: () => number;
  /** Session lifetime (default 8 h), extended by use. */
  readonly ttlMs?: number;
  /** Most live sessions kept (default 1000); the oldest is dropped past it, so logins cannot grow memory. */
  readonly max?: number;
}

export function createUiSessions(opts: UiSessionOptions): UiSessions {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? 8 * 3600_000;
  const max = opts.max ?? 1000;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new TypeError('"ttlMs" must be a positive integer');
  if (!Number.isSafeInteger(max) || max <= 0) throw new TypeError('"max" must be a positive integer');
  // Keyed by a digest of the id: a lookup's timing says nothing about stored ids.
  const sessions = new Map<string, UiSession>();
  const keyOf = (id: string) => createHash('sha256').update(id).digest('base64url');

  function lookup(headers: IncomingHttpHeaders): UiSession | null {
    const id = cookieValue(headers.cookie, SESSION_COOKIE);
    if (id === undefined) return null;
    const key = keyOf(id);
    const s = sessions.get(key);
    if (s === undefined) return null;
    if (s.expiresAt <= now()) return sessions.delete(key), null;
    s.expiresAt = now() + ttlMs;
    return s;
  }

  const sessionsApi: UiSessions = {
    login(key, operator = '') {
      const role = opts.auth.roleOf({ authorization: `Bearer ${key}` });
      if (role === null) throw new PhasegateError('unauthorized', 'unknown key: sign in with PHASEGATE_ADMIN_KEY or PHASEGATE_AUDITOR_KEY');
      if (!UI_ROLES.has(role)) throw new PhasegateError('forbidden', `the ${role} key may not sign in to the dashboard (admin or auditor only)`);
      const session: UiSession = {
        id: token(),
        role,
        csrf: token(),
        keyFingerprint: createHash('sha256').update(key).digest('hex').slice(0, 12),
        // Shown on pages and terminals: letters, digits and . @ + - only.
        operator: operator.replace(/[^\w.@+-]/g, '').slice(0, 64),
        expiresAt: now() + ttlMs,
      };
      if (sessions.size >= max) sessions.delete(sessions.keys().next().value as string);
      sessions.set(keyOf(session.id), session);
      return session;
    },
    lookup,
    logout(headers) {
      const id = cookieValue(headers.cookie, SESSION_COOKIE);
      if (id !== undefined) sessions.delete(keyOf(id));
    },
    cookie(session) {
      // HttpOnly: script (and so an injected one) cannot read it. SameSite=Strict: no other
      // site's page makes the browser send it. Path=/: the API and the event stream need it.
      const base = `${SESSION_COOKIE}=${session?.id ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
      return session === null ? `${base}; Max-Age=0` : `${base}; Max-Age=${Math.floor(ttlMs / 1000)}`;
    },
    wrap: (auth) => sessionAwareAuth(auth, lookup),
  };
  return sessionsApi;
}

/**
 * A bearer key wins when present. Otherwise a session cookie stands for its role, but only
 * with proof the request came from the dashboard itself (cross-site request forgery: a page
 * on another port of the same host is "same-site" and its requests do carry the cookie):
 * - an HTTP request must echo the session's CSRF token in `X-Phasegate-CSRF` (another origin
 *   cannot read it, nor send that header without a CORS preflight we never answer);
 * - a WebSocket upgrade (browsers cannot add headers to it) must carry an `Origin` equal to
 *   the coordinator's own (cross-site WebSocket hijacking).
 */
function sessionAwareAuth(auth: Authenticator, lookup: (h: IncomingHttpHeaders) => UiSession | null): Authenticator {
  function fromSession(headers: IncomingHttpHeaders): Role | null {
    const s = lookup(headers);
    if (s === null) return null;
    if (!sameOrigin(headers, headers.upgrade?.toLowerCase() === 'websocket')) {
      throw new PhasegateError('forbidden', 'a dashboard session is only honoured from the dashboard\'s own origin');
    }
    if (headers.upgrade?.toLowerCase() !== 'websocket' && !equal(headers[CSRF_HEADER], s.csrf)) {
      throw new PhasegateError('forbidden', `a dashboard session must send its CSRF token in ${CSRF_HEADER}`);
    }
    authorizedBy.set(headers, s);
    return s.role;
  }
  function roleOf(headers: IncomingHttpHeaders): Role | null {
    if (headers.authorization !== undefined) return auth.roleOf(headers);
    try {
      return fromSession(headers);
    } catch {
      return null;
    }
  }
  return {
    roleOf,
    authorize(headers, access) {
      // Public routes (the page, its scripts) ignore the cookie rather than demand a CSRF token.
      if (access === 'anyone') return roleOf(headers);
      if (headers.authorization !== undefined || cookieValue(headers.cookie, SESSION_COOKIE) === undefined) return auth.authorize(headers, access);
      const role = fromSession(headers);
      if (role === null) throw new PhasegateError('unauthorized', 'the dashboard session expired or is unknown: sign in again');
      if (!access.includes(role)) throw new PhasegateError('forbidden', `the ${role} key may not call this route (needs ${access.join(' or ')})`);
      return role;
    },
  };
}

/** `Origin` must name this host; it may be absent only where browsers omit it (same-origin GET), never on an upgrade. */
export function sameOrigin(headers: IncomingHttpHeaders, required: boolean): boolean {
  const origin = headers.origin;
  if (origin === undefined) return !required;
  const host = headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

function equal(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

/** The value of cookie `name` in a `Cookie` header, if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
