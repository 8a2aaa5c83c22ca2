/** The dashboard (SPEC §13): its page and scripts, and the sign-in that turns a key into a session cookie. */
import { PhasegateError } from '../../errors.js';
import { objectBody, optStr, str } from './body-fields.js';
import type { Reply, Route } from './router.js';
import type { UiAsset } from './ui-assets.js';
import { sameOrigin, type UiSession, type UiSessions } from './ui-session.js';

/**
 * Scripts and styles only from this origin, no inline script or style, no plugins, no
 * framing (clickjacking an approve button), forms and fetches only back to us: an injected
 * `<script>` or `onerror=` attribute would not run even if some text slipped into markup.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const UI_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': UI_CSP,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function uiRoutes(assets: ReadonlyMap<string, UiAsset>, sessions: UiSessions): Route[] {
  const asset = (name: string | undefined): Reply => {
    const a = name === undefined ? undefined : assets.get(name);
    if (a === undefined) {
      const why = assets.size === 0 ? 'the dashboard is not built (run npm run build)' : `no dashboard file ${JSON.stringify(name)}`;
      throw new PhasegateError('not_found', why);
    }
    return { text: a.body, contentType: a.contentType, headers: UI_HEADERS };
  };
  const view = (s: UiSession) => ({ role: s.role, csrf: s.csrf, operator: s.operator });
  return [
    { method: 'GET', path: '/ui', access: 'anyone', handle: () => asset('index.html') },
    { method: 'GET', path: '/ui/:file', access: 'anyone', handle: (ctx) => asset(ctx.params.file) },
    {
      method: 'POST',
      path: '/ui/session',
      access: 'anyone',
      handle: async (ctx) => {
        // Login CSRF: another site's page must not sign this browser in to a session of its choosing.
        if (!sameOrigin(ctx.headers, false)) throw new PhasegateError('forbidden', 'sign in from the dashboard page itself');
        // The key travels only in this body: never in a URL, where logs and history would keep it.
        const body = objectBody(await ctx.body());
        const session = sessions.login(str(body, 'key', '', 1000), optStr(body, 'name', '', 200));
        return { status: 201, json: view(session), headers: { ...UI_HEADERS, 'Set-Cookie': sessions.cookie(session) } };
      },
    },
    {
      method: 'GET',
      path: '/ui/session',
      access: 'anyone',
      handle: (ctx) => {
        // Another origin cannot read this reply (no CORS), so handing the CSRF token back is safe.
        const session = sessions.lookup(ctx.headers);
        if (session === null) throw new PhasegateError('unauthorized', 'not signed in');
        return { json: view(session), headers: UI_HEADERS };
      },
    },
    {
      method: 'POST',
      path: '/ui/logout',
      access: 'anyone',
      handle: (ctx) => {
        sessions.logout(ctx.headers);
        return { json: { ok: true }, headers: { ...UI_HEADERS, 'Set-Cookie': sessions.cookie(null) } };
      },
    },
  ];
}
