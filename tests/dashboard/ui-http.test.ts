/** The dashboard's HTTP surface over the real wire: page headers, sign-in, the session's CSRF rules, artifacts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { caller, startDashboardStack, type Call, type DashboardStack } from './stack.js';

let stack: DashboardStack;
let anon: Call;
let host: string;

beforeAll(async () => {
  stack = await startDashboardStack();
  anon = caller(stack.coordinator.url, undefined);
  host = new URL(stack.coordinator.url).host;
});
afterAll(() => stack.close());

/** Signs in with `key`; returns the cookie pair and the CSRF token. */
async function signIn(key: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const r = await anon('POST', '/ui/session', { key });
  expect(r.status).toBe(201);
  const setCookie = r.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] as string, csrf: r.body.csrf, setCookie };
}

/** Opens the event stream with `headers`; resolves with the HTTP status of a refusal or 101. */
function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${stack.coordinator.url.replace('http', 'ws')}/api/v1/events/stream?since=0`, { headers });
    ws.on('open', () => (ws.close(), resolve(101)));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

const fingerprint = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

describe('the page', () => {
  it('is served with a strict Content-Security-Policy, nosniff and no framing', async () => {
    const r = await anon('GET', '/ui');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    // Nothing is loaded from elsewhere, and no inline script exists for the policy to block.
    expect(r.body).not.toMatch(/https?:\/\//);
    expect(r.body).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('serves its scripts and stylesheet with their content types, and nothing else', async () => {
    const js = await anon('GET', '/ui/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.body).not.toContain('innerHTML');
    expect((await anon('GET', '/ui/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const probe of ['/ui/..%2Fpackage.json', '/ui/%2e%2e%2fpackage.json', '/ui/app.ts', '/ui/nope.js', '/ui/.env']) {
      const r = await anon('GET', probe);
      expect(r.status, probe).toBe(404);
      expect(r.body.error.reason).toBe('not_found');
    }
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict cookie and returns the role and a CSRF token, never the key', async () => {
    const r = await anon('POST', '/ui/session', { key: stack.coordinator.adminKey });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ role: 'admin', csrf: expect.stringMatching(/^[\w-]{43}$/), operator: '' });
    const setCookie = r.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^phasegate_ui=[\w-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(stack.coordinator.adminKey);
    expect(JSON.stringify(r.body)).not.toContain(stack.coordinator.adminKey);
  });

  it('refuses an unknown key (401) and the sidecar key (403)', async () => {
    const wrong = await anon('POST', '/ui/session', { key: 'not-a-key-0123456789abcdef' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.reason).toBe('unauthorized');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const sidecar = await anon('POST', '/ui/session', { key: stack.coordinator.sidecarKey });
    expect(sidecar.status).toBe(403);
    expect(sidecar.body.error.reason).toBe('forbidden');
    expect((await anon('POST', '/ui/session', {})).body.error).toMatchObject({ reason: 'invalid_body', path: 'key' });
    // Login CSRF: a form on another site cannot sign this browser in, even with a valid key.
    const foreign = await anon('POST', '/ui/session', { key: stack.coordinator.adminKey }, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
  });

  it('sign-out ends the session', async () => {
    const s = await signIn(stack.coordinator.adminKey);
    const headers = { cookie: s.cookie, 'x-phasegate-csrf': s.csrf };
    expect((await anon('GET', '/api/v1/tasks', undefined, headers)).status).toBe(200);
    const out = await anon('POST', '/ui/logout', undefined, headers);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await anon('GET', '/api/v1/tasks', undefined, headers)).status).toBe(401);
    expect((await anon('GET', '/ui/session', undefined, { cookie: s.cookie })).status).toBe(401);
  });
});

describe('a session cookie', () => {
  it('works with its CSRF token and is refused without it (forged cross-site request)', async () => {
    const s = await signIn(stack.coordinator.adminKey);
    const ok = await anon('GET', '/api/v1/tasks', undefined, { cookie: s.cookie, 'x-phasegate-csrf': s.csrf });
    expect(ok.status).toBe(200);
    for (const csrf of [undefined, '', 'x'.repeat(43), s.csrf + 'x']) {
      const r = await anon('GET', '/api/v1/tasks', undefined, { cookie: s.cookie, ...(csrf === undefined ? {} : { 'x-phasegate-csrf': csrf }) });
      expect(r.status).toBe(403);
      expect(r.body.error.reason).toBe('forbidden');
    }
  });

  it('cannot decide an approval from another origin, even with the right token; the approval stays pending', async () => {
    const id = await stack.addTask('forged approve');
    const token = await stack.moveToPlan(id, 'agent-forge');
    const asked = await stack.sidecarApi('POST', '/api/v1/tasks/transition', {
      current_phase: 'PLAN', target_phase: 'BUILD', phase_token: token,
      artifacts: { plan: { summary: 's', acceptance_criteria: ['a'], steps: ['b'] } }, evidence: { test_runs: [], test_hashes: {} },
    });
    const approvalId = asked.body.approval_id as string;
    const s = await signIn(stack.coordinator.adminKey);
    const approve = `/api/v1/approvals/${approvalId}/approve`;
    // What a page elsewhere can make the browser send: the cookie (same-site), a form body, its own Origin.
    const forged: Record<string, string>[] = [
      { cookie: s.cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      { cookie: s.cookie, origin: `http://127.0.0.1:1`, 'x-phasegate-csrf': s.csrf },
      { cookie: s.cookie },
    ];
    for (const headers of forged) {
      const r = await anon('POST', approve, '{}', headers);
      expect(r.status).toBe(403);
    }
    const pending = await stack.admin('GET', '/api/v1/approvals');
    expect(pending.body.approvals.map((a: { id: string }) => a.id)).toContain(approvalId);
    // The real dashboard call (same origin, token) decides it.
    const real = await anon('POST', approve, {}, { cookie: s.cookie, 'x-phasegate-csrf': s.csrf, origin: `http://${host}` });
    expect(real.status).toBe(200);
    expect(real.body.approval.status).toBe('approved');
    // Recorded as the key that signed in (by fingerprint), not as "no key".
    expect(real.body.approval.decided_by).toBe(`admin:${fingerprint(stack.coordinator.adminKey)}`);
  });

  it('opens the event stream only from the coordinator\'s own origin (cross-site WebSocket hijacking)', async () => {
    const s = await signIn(stack.coordinator.adminKey);
    expect(await upgrade({ cookie: s.cookie, origin: `http://${host}` })).toBe(101);
    expect(await upgrade({ cookie: s.cookie, origin: 'http://evil.example' })).toBe(401);
    expect(await upgrade({ cookie: s.cookie })).toBe(401);
    expect(await upgrade({ cookie: 'phasegate_ui=forged', origin: `http://${host}` })).toBe(401);
  });

  it('a session id that was never issued is unauthorized', async () => {
    const r = await anon('GET', '/api/v1/tasks', undefined, { cookie: 'phasegate_ui=' + 'A'.repeat(43), 'x-phasegate-csrf': 'A'.repeat(43) });
    expect(r.status).toBe(401);
  });
});

describe('the auditor', () => {
  it('signs in as auditor, reads everything the dashboard shows, and decides nothing (bearer key or session)', async () => {
    const id = await stack.addTask('auditor target');
    const token = await stack.moveToPlan(id, 'agent-auditor');
    const asked = await stack.transition(token, 'PLAN', 'BUILD', { plan: { summary: 's', acceptance_criteria: ['a'], steps: ['b'] } });
    const r = await anon('POST', '/ui/session', { key: stack.coordinator.auditorKey });
    expect(r.status).toBe(201);
    expect(r.body.role).toBe('auditor');
    const session = { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] as string, 'x-phasegate-csrf': r.body.csrf as string, origin: `http://${host}` };
    const auditor = caller(stack.coordinator.url, stack.coordinator.auditorKey);
    const approvals = await anon('GET', '/api/v1/approvals', undefined, session);
    const hash = approvals.body.approvals.find((a: { id: string }) => a.id === asked.approval_id).artifacts.plan as string;
    for (const path of ['/api/v1/tasks', `/api/v1/tasks/${id}`, '/api/v1/approvals', '/api/v1/events?since=0&limit=1', '/api/v1/checkpoints', '/api/v1/contract', '/api/v1/denials', `/api/v1/artifacts/${hash}`]) {
      expect((await anon('GET', path, undefined, session)).status, path).toBe(200);
      expect((await auditor('GET', path)).status, path).toBe(200);
    }
    for (const action of ['approve', 'reject']) {
      const path = `/api/v1/approvals/${asked.approval_id}/${action}`;
      const viaKey = await auditor('POST', path, { reason: 'forged' });
      expect(viaKey.status).toBe(403);
      expect(viaKey.body.error.reason).toBe('forbidden');
      const viaSession = await anon('POST', path, { reason: 'forged' }, session);
      expect(viaSession.status).toBe(403);
      expect(viaSession.body.error.reason).toBe('forbidden');
    }
    expect((await anon('POST', '/api/v1/tasks', { title: 'x' }, session)).status).toBe(403);
    expect((await anon('POST', '/api/v1/denials', { denials: [] }, session)).status).toBe(403);
    const still = await stack.admin('GET', '/api/v1/approvals');
    expect(still.body.approvals.map((a: { id: string }) => a.id)).toContain(asked.approval_id);
  });
});

describe('artifacts by hash', () => {
  it('returns the JSON a transition stored, and refuses bad or unknown hashes', async () => {
    const id = await stack.addTask('artifact read');
    const token = await stack.moveToPlan(id, 'agent-artifact');
    const plan = { summary: '<img src=x onerror=alert(1)>', acceptance_criteria: ['a'], steps: ['b'] };
    await stack.sidecarApi('POST', '/api/v1/tasks/transition', {
      current_phase: 'PLAN', target_phase: 'BUILD', phase_token: token, artifacts: { plan }, evidence: { test_runs: [], test_hashes: {} },
    });
    const { body } = await stack.admin('GET', '/api/v1/approvals');
    const hash = body.approvals.find((a: { task_id: string }) => a.task_id === id).artifacts.plan as string;
    const r = await stack.admin('GET', `/api/v1/artifacts/${hash}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.body).toEqual({ sha256: hash, artifact: plan });
    expect((await stack.admin('GET', '/api/v1/artifacts/XYZ')).body.error.reason).toBe('invalid_request');
    expect((await stack.admin('GET', `/api/v1/artifacts/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await stack.sidecarApi('GET', `/api/v1/artifacts/${hash}`)).status).toBe(403);
    expect((await anon('GET', `/api/v1/artifacts/${hash}`)).status).toBe(401);
  });
});
