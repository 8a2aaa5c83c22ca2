/**
 * The dashboard in a real headless Chromium against a real coordinator (and a real sidecar
 * and SDK agent for the approval). One browser for the whole file; a fresh context per test.
 * With PHASEGATE_SCREENSHOTS=DIR the board and an approval are also saved there as PNGs.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../sdk/index.js';
import { launchBrowser } from './browser.js';
import { AGENT_KEY, EVIDENCE_CONTRACT, eventually, startDashboardStack, type DashboardStack } from './stack.js';

const XSS = '<img src=x onerror=alert(1)>';
const PLAN = { summary: 'Add a sum() helper and test it', acceptance_criteria: ['sum(1, 2) is 3'], steps: ['write the test', 'write sum()'], files: ['src/sum.ts'] };
const shots = process.env.PHASEGATE_SCREENSHOTS;

let browser: Browser;
let stack: DashboardStack;
let context: BrowserContext;
/** Every URL the browser asked for, in every test (the key must be in none). */
const requested: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  ({ browser } = await launchBrowser());
  stack = await startDashboardStack();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
afterEach(async () => {
  await context?.close();
});

async function newPage(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Generous: CI shares two cores between test workers and this browser.
  page.setDefaultTimeout(20_000);
  page.on('request', (r) => requested.push(r.url()));
  page.on('websocket', (ws) => requested.push(ws.url()));
  page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
  return page;
}

async function signIn(page: Page, key: string, hash = '#/board'): Promise<void> {
  await page.goto(`${stack.coordinator.url}/ui${hash}`);
  await page.locator('#login-key').fill(key);
  await page.locator('#login button[type=submit]').click();
  await page.locator('#who').filter({ hasText: 'signed in as' }).waitFor();
  await page.locator('#live[data-state=live]').waitFor();
}

/** Claims `id` as an agent over the sidecar routes, moves it to PLAN and submits `plan` for approval; returns the approval id. */
async function askApproval(id: string, agent: string, plan: unknown): Promise<string> {
  const token = await stack.moveToPlan(id, agent);
  const r = await stack.sidecarApi('POST', '/api/v1/tasks/transition', {
    current_phase: 'PLAN', target_phase: 'BUILD', phase_token: token, artifacts: { plan }, evidence: { test_runs: [], test_hashes: {} },
  });
  expect(r.body).toMatchObject({ allowed: false, status: 'awaiting_approval' });
  return r.body.approval_id as string;
}

async function pendingIds(): Promise<string[]> {
  return (await stack.admin('GET', '/api/v1/approvals')).body.approvals.map((a: { id: string }) => a.id);
}

describe('dashboard in Chromium', { timeout: 60_000 }, () => {
  it('signs in through the form: an HttpOnly cookie, nothing in storage, the key in no URL', async () => {
    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey);
    await expect(page.locator('#who').textContent()).resolves.toBe('signed in as admin');
    // The session cookie is invisible to script; the key is kept nowhere in the page.
    expect(await page.evaluate('document.cookie')).toBe('');
    const stored = (await page.evaluate('JSON.stringify([sessionStorage, localStorage])')) as string;
    expect(stored).not.toContain(stack.coordinator.adminKey);
    expect(await page.locator('#login-key').inputValue()).toBe('');
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'phasegate_ui', httpOnly: true, sameSite: 'Strict' })]);
    // A reload keeps the session (cookie), still without the key anywhere.
    await page.reload();
    await page.locator('#who').filter({ hasText: 'signed in as admin' }).waitFor();
    expect(page.url()).not.toContain(stack.coordinator.adminKey);
  });

  it('a wrong key is refused on the form and shows no board', async () => {
    const page = await newPage();
    await page.goto(`${stack.coordinator.url}/ui`);
    await page.locator('#login-key').fill('wrong-key-0123456789abcdef');
    await page.locator('#login button[type=submit]').click();
    await page.locator('#login-error').filter({ hasText: 'unknown key' }).waitFor();
    expect(await page.locator('.board').count()).toBe(0);
  });

  it('a task created through the API appears on the board and moves columns live as it transitions', async () => {
    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey);
    const id = await stack.addTask('moves live');
    const card = (phase: string) => page.locator(`[data-column="${phase}"] [data-task="${id}"]`);
    await card('DRAFT').waitFor();
    await stack.moveToPlan(id, 'agent-board');
    await card('PLAN').waitFor();
    expect(await card('DRAFT').count()).toBe(0);
    await page.locator('.chart rect.transitions').first().waitFor();
    await expect(card('PLAN').textContent()).resolves.toContain('agent-board');
  });

  it('a task created while the board is still loading (after its snapshot, before it follows the stream) appears', async () => {
    const page = await newPage();
    // Hold the board's last load (the chart's recent events): the task list is read, the
    // stream is live, but the board is not shown yet. This window once lost the event (CI).
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    await page.route(/\/api\/v1\/events\?since=\d+&limit=2000$/, async (route) => {
      holding = true;
      await held;
      await route.continue();
    });
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => void frames.push(String(f.payload))));
    await signIn(page, stack.coordinator.adminKey);
    await eventually(() => holding);
    const id = await stack.addTask('created while loading');
    // The event reaches the page while the board still waits.
    await eventually(() => frames.some((f) => f.includes(`"task_id":"${id}"`)));
    release();
    await page.locator(`[data-column="DRAFT"] [data-task="${id}"]`).waitFor();
  });

  it('after the stream drops it reconnects from the last seq it saw and misses nothing', async () => {
    const page = await newPage();
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/v1\/events\/stream/, (ws) => {
      sockets.push(ws);
      ws.connectToServer();
    });
    await signIn(page, stack.coordinator.adminKey);
    const first = await stack.addTask('before the drop');
    await page.locator(`[data-column="DRAFT"] [data-task="${first}"]`).waitFor();
    const lastSeen = (await stack.admin('GET', '/api/v1/events?since=0&limit=1')).body.head as number;
    await sockets[0]?.close({ code: 1012, reason: 'test drop' });
    // Created while the page has no stream: only a resume with `since` delivers it.
    const second = await stack.addTask('during the drop');
    await page.locator(`[data-column="DRAFT"] [data-task="${second}"]`).waitFor();
    await eventually(() => sockets.length >= 2);
    expect(new URL(sockets[1]?.url() ?? '').searchParams.get('since')).toBe(String(lastSeen));
  });

  it('an approval shows the plan text and is approved by a click; the waiting agent moves on', async () => {
    const sidecar = await stack.sidecar('agent-approval');
    const id = await stack.addTask('add sum()');
    const client = await AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY });
    try {
      await client.claimTask({ task_id: id });
      expect(await client.requestTransition('PLAN')).toMatchObject({ allowed: true });
      const asked = (await client.requestTransition('BUILD', { plan: PLAN })) as { status: string; approval_id: string };
      expect(asked.status).toBe('awaiting_approval');
      const moved = client.waitForPhase('BUILD', 20_000);

      const page = await newPage();
      await page.goto(`${stack.coordinator.url}/ui#/approvals`);
      await page.locator('#login-key').fill(stack.coordinator.adminKey);
      await page.locator('#login-name').fill('alice <b>');
      await page.locator('#login button[type=submit]').click();
      await page.locator('#who', { hasText: 'signed in as admin (aliceb)' }).waitFor();
      const card = page.locator(`[data-approval="${asked.approval_id}"]`);
      await card.locator('[data-artifact=plan] pre', { hasText: PLAN.summary }).waitFor();
      await expect(card.locator('[data-artifact=plan] pre').textContent()).resolves.toContain('sum(1, 2) is 3');
      await page.locator('#approval-count', { hasText: /\(\d+\)/ }).waitFor();

      await card.locator('button[data-action=approve]').click();
      await expect(moved).resolves.toBe('BUILD');
      expect(client.phase).toBe('BUILD');
      await card.waitFor({ state: 'detached' });
      expect(await pendingIds()).not.toContain(asked.approval_id);
      const approval = (await stack.admin('GET', '/api/v1/approvals?status=approved')).body.approvals.find((a: { id: string }) => a.id === asked.approval_id);
      expect(approval.status).toBe('approved');
      expect(approval.decided_by).toMatch(/^admin:[0-9a-f]{12} \(aliceb\)$/);
      await page.goto(`${stack.coordinator.url}/ui#/board`);
      await page.locator(`[data-column="BUILD"] [data-task="${id}"]`).waitFor();
    } finally {
      client.close();
    }
  });

  it('agent-written markup renders as text everywhere: no element, no script, no dialog', async () => {
    dialogs.length = 0;
    const id = await stack.addTask(`<script>alert(2)</script> ${XSS}`);
    const approvalId = await askApproval(id, `agent ${XSS}`, { summary: XSS, acceptance_criteria: [XSS], steps: ['<b>bold</b>'], files: [`${XSS}.ts`] });
    await stack.sidecarApi('POST', '/api/v1/denials', {
      denials: [{ ts: new Date().toISOString(), agent_id: XSS, task_id: id, phase: 'PLAN', tool: XSS, path: `${XSS}.ts`, reason: 'tool_not_allowed', audit_seq: 1 }],
    });
    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey);
    await page.locator(`[data-task="${id}"]`, { hasText: '<script>alert(2)</script>' }).waitFor();
    for (const hash of [`#/task/${id}`, '#/approvals', '#/denials']) {
      await page.goto(`${stack.coordinator.url}/ui${hash}`);
      await page.locator('main').getByText(XSS).first().waitFor();
      expect(await page.locator('main img, main script, main b').count(), hash).toBe(0);
    }
    await page.goto(`${stack.coordinator.url}/ui#/approvals`);
    await page.locator(`[data-approval="${approvalId}"] [data-artifact=plan] pre`, { hasText: `summary: ${XSS}` }).waitFor();
    await page.goto(`${stack.coordinator.url}/ui#/task/${id}`);
    await page.locator('[data-task-page] .files', { hasText: `${XSS}.ts` }).waitFor();
    await page.locator('[data-task-page] ul.denials li', { hasText: `${XSS}.ts` }).waitFor();
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    // Second wall: even markup that did reach the DOM could not run its handler under the page's CSP.
    const blocked = await page.evaluate(`new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
      document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="alert(3)">');
    })`);
    expect(blocked).toMatch(/^script-src/);
    expect(dialogs).toEqual([]);
  });

  it('the auditor sees the queue and the plan but no buttons, and a forged decision from its page is 403', async () => {
    const approvalId = await askApproval(await stack.addTask('audited'), 'agent-audited', PLAN);
    const page = await newPage();
    await signIn(page, stack.coordinator.auditorKey, '#/approvals');
    await expect(page.locator('#who').textContent()).resolves.toBe('signed in as auditor');
    const card = page.locator(`[data-approval="${approvalId}"]`);
    await card.locator('[data-artifact=plan] pre', { hasText: PLAN.summary }).waitFor();
    await card.locator('.readonly').waitFor();
    expect(await page.locator('button[data-action=approve], button[data-action=reject]').count()).toBe(0);
    // The page's own session, its CSRF token and the same origin: the role still decides nothing.
    const status = await page.evaluate(`(async () => {
      const s = await (await fetch('/ui/session')).json();
      const r = await fetch('/api/v1/approvals/${approvalId}/approve', { method: 'POST', headers: { 'X-Phasegate-CSRF': s.csrf, 'Content-Type': 'application/json' }, body: '{}' });
      return r.status;
    })()`);
    expect(status).toBe(403);
    const viaKey = await fetch(`${stack.coordinator.url}/api/v1/approvals/${approvalId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${stack.coordinator.auditorKey}` } });
    expect(viaKey.status).toBe(403);
    expect(await pendingIds()).toContain(approvalId);
    // The rest of the dashboard reads fine for the auditor.
    await page.goto(`${stack.coordinator.url}/ui#/board`);
    await page.locator('[data-column="PLAN"] [data-task]').first().waitFor();
  });

  it('a rejection needs a reason, and the reason is what the coordinator records', async () => {
    const approvalId = await askApproval(await stack.addTask('to be rejected'), 'agent-reject', PLAN);
    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey, '#/approvals');
    const card = page.locator(`[data-approval="${approvalId}"]`);
    await card.locator('button[data-action=reject]').click();
    await card.locator('[role=alert]', { hasText: 'Say why' }).waitFor();
    expect(await pendingIds()).toContain(approvalId);
    await card.locator('input.reason').fill('the plan has no test for overflow');
    await card.locator('button[data-action=reject]').click();
    await card.waitFor({ state: 'detached' });
    const rejected = (await stack.admin('GET', '/api/v1/approvals?status=rejected')).body.approvals.find((a: { id: string }) => a.id === approvalId);
    expect(rejected.reason).toBe('the plan has no test for overflow');
    // The decision is listed, and the task's card carries the rejection as a blocker.
    await page.locator(`[data-decision="${approvalId}"]`, { hasText: 'the plan has no test for overflow' }).waitFor();
    await expect(page.locator(`[data-decision="${approvalId}"] .badge`).textContent()).resolves.toBe('rejected');
    await page.goto(`${stack.coordinator.url}/ui#/board`);
    await page.locator(`[data-task="${rejected.task_id}"] .badge.bad`, { hasText: '1 blocker' }).waitFor();
  });

  it('the task page and the final approval show the phase history, files, test counts and review verdicts', async () => {
    const id = await stack.addTask('full history');
    const approvalId = await askApproval(id, 'agent-history', PLAN);
    await stack.admin('POST', `/api/v1/approvals/${approvalId}/approve`, {});
    const token = await stack.claim(id, 'agent-history');
    const implementation = { changed_files: ['src/sum.ts', 'tests/sum.test.ts'], notes: 'plain addition' };
    const built = await stack.transition(token, 'BUILD', 'REVIEW', { test_result: { exit_code: 0, passed: 3, failed: 0 }, implementation });
    expect(built.allowed).toBe(true);
    const { task } = (await stack.admin('GET', `/api/v1/tasks/${id}`)).body;
    const reviewId = task.spawned[0] as string;
    const claim = await stack.sidecarApi('POST', '/api/v1/tasks/claim', { agent_id: 'agent-reviewer', task_id: reviewId, capabilities: ['review'] });
    expect(claim.status).toBe(200);
    const review = { verdict: 'request_changes', summary: 'one overflow', issues: [{ severity: 'blocking', file: 'src/sum.ts', line: 3, message: 'sum overflows past 2^53' }] };
    expect((await stack.transition(claim.body.phase_token, 'REVIEW', 'COMPLETE', { review })).allowed).toBe(true);

    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey, `#/task/${id}`);
    const article = page.locator(`[data-task-page="${id}"]`);
    await article.locator('[data-phase=REVIEW]').waitFor();
    const rows = await article.locator('table.history tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('DRAFT → PLAN') && r.includes('agent-history'))).toBe(true);
    expect(rows.some((r) => r.includes('PLAN → BUILD') && r.includes(approvalId) && r.includes('plan'))).toBe(true);
    expect(rows.some((r) => r.includes('BUILD → REVIEW') && r.includes('test_result'))).toBe(true);
    await article.locator('.test-run', { hasText: '3 passed, 0 failed' }).waitFor();
    await article.locator('.files [data-file="tests/sum.test.ts"]').waitFor();
    // Planned and changed: listed once, as changed.
    await expect(article.locator('.files').textContent()).resolves.toBe('src/sum.tstests/sum.test.ts');
    await article.locator('[data-artifact=plan] pre', { hasText: 'sum(1, 2) is 3' }).waitFor();
    const verdict = article.locator(`[data-review="${reviewId}"]`);
    await verdict.locator('strong', { hasText: 'request_changes' }).waitFor();
    await expect(verdict.locator('pre').textContent()).resolves.toContain('sum overflows past 2^53');

    // The final approval carries what the approver needs: files changed and the verdicts.
    const final = await stack.transition(built.new_token, 'REVIEW', 'DONE');
    expect(final.status).toBe('awaiting_approval');
    await page.goto(`${stack.coordinator.url}/ui#/approvals`);
    const card = page.locator(`[data-approval="${final.approval_id}"]`);
    await card.locator('.files [data-file="tests/sum.test.ts"]').waitFor();
    await card.locator(`[data-review="${reviewId}"] strong`, { hasText: 'request_changes' }).waitFor();
    await card.locator('[data-artifact=implementation] pre', { hasText: 'plain addition' }).waitFor();
  });

  it('a green run the sidecar recorded shows on the task page with its counts', async () => {
    const green = await startDashboardStack({}, undefined, EVIDENCE_CONTRACT);
    try {
      const sidecar = await green.sidecar('agent-green', {
        'sum.test.mjs': "import test from 'node:test';\ntest('adds', () => {});\ntest('adds again', () => {});\n",
      });
      const id = await green.addTask('green run');
      const client = await AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY });
      try {
        await client.claimTask({ task_id: id });
        expect(await client.runTests()).toMatchObject({ exit_code: 0 });
        expect(await client.requestTransition('DONE')).toMatchObject({ allowed: true });
      } finally {
        client.close();
      }
      const page = await newPage();
      await page.goto(`${green.coordinator.url}/ui#/task/${id}`);
      await page.locator('#login-key').fill(green.coordinator.adminKey);
      await page.locator('#login button[type=submit]').click();
      await page.locator('.test-run', { hasText: 'BUILD → DONE: 2 passed, 0 failed, exit 0' }).waitFor();
    } finally {
      await green.close();
    }
  });

  it("each agent's checkpoint status, with two heads for one seq called out", async () => {
    const head = (agent: string, seq: number, hash: string) => stack.sidecarApi('POST', '/api/v1/checkpoints', { agent_id: agent, task_id: null, seq, hash });
    await head('agent-honest', 4, 'a'.repeat(64));
    await head('agent-honest', 9, 'b'.repeat(64));
    await head('agent-rewrote', 5, 'c'.repeat(64));
    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey, '#/agents');
    await expect(page.locator('[data-agent=agent-honest]').textContent()).resolves.toMatch(/consistent2 ?9/);
    await page.locator('[data-agent=agent-rewrote]', { hasText: 'consistent' }).waitFor();
    // The same seq with a different hash arrives live: the row turns.
    await head('agent-rewrote', 5, 'd'.repeat(64));
    await page.locator('[data-agent=agent-rewrote]', { hasText: 'two heads at seq 5' }).waitFor();
  });

  it('a page on another origin cannot decide an approval with the signed-in browser', async () => {
    const id = await stack.addTask('cross-origin target');
    const approvalId = await askApproval(id, 'agent-csrf', PLAN);
    const page = await newPage();
    await signIn(page, stack.coordinator.adminKey);
    // Another port on the same host is "same-site": the SameSite=Strict cookie IS sent; only the CSRF rules stop it.
    const target = `${stack.coordinator.url}/api/v1/approvals/${approvalId}/approve`;
    const evil = await serve(`<!doctype html><form id=f method=post action="${target}" enctype="text/plain"><input name='{"note":"' value='x"}'></form>
      <script>
        fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' }).finally(() => document.getElementById('f').submit());
      </script>`);
    try {
      await page.goto(evil.url);
      await page.waitForURL(/\/api\/v1\/approvals\//);
      await expect(page.locator('body').textContent()).resolves.toContain('forbidden');
      expect(await pendingIds()).toContain(approvalId);
    } finally {
      await new Promise((r) => evil.server.close(r));
    }
  });

  it('no URL the browser requested in any test above carried a key', () => {
    expect(requested.length).toBeGreaterThan(10);
    for (const key of [stack.coordinator.adminKey, stack.coordinator.auditorKey, stack.coordinator.sidecarKey]) {
      expect(requested.filter((u) => u.includes(key) || u.includes(encodeURIComponent(key)))).toEqual([]);
    }
  });
});

function serve(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server })));
}

/** Not a test of behaviour: renders the pictures in docs/operations.md from a realistic half hour. */
describe.runIf(shots !== undefined)('screenshots for docs/img', { timeout: 60_000 }, () => {
  it('the board and an approval', async () => {
    // The coordinator's clock starts 25 minutes ago and advances as the story unfolds, so the chart has a history.
    let offset = -25 * 60_000;
    const shot = await startDashboardStack({ PHASEGATE_LEASE_MS: String(86_400_000) }, () => Date.now() + offset);
    const later = (minutes: number) => void (offset += minutes * 60_000);
    try {
      const ids: string[] = [];
      for (const title of ['Rate limiter for the public API', 'Fix the flaky login test', 'Document the CLI flags', 'Add a sum() helper', 'Upgrade lmdb to 3.5']) ids.push(await shot.addTask(title));
      const [limiter, flaky, , sum, lmdb] = ids as [string, string, string, string, string];
      later(3);
      const flakyToken = await shot.moveToPlan(flaky, 'agent-2');
      later(2);
      const asked = await shot.transition(flakyToken, 'PLAN', 'BUILD', { plan: { summary: 'Wait for the session cookie instead of sleeping', acceptance_criteria: ['login test passes 50 runs in a row'], steps: ['replace the sleep with a wait'] } });
      await shot.admin('POST', `/api/v1/approvals/${asked.approval_id}/approve`, {});
      later(4);
      const flakyBuild = await shot.claim(flaky, 'agent-2');
      await shot.transition(flakyBuild, 'BUILD', 'DONE');
      for (const [i, path] of ['.git/config', '../secrets.env', 'tests/login.test.ts'].entries()) {
        later(1 + i);
        await shot.sidecarApi('POST', '/api/v1/denials', {
          denials: [{ ts: new Date(Date.now() + offset).toISOString(), agent_id: 'agent-4', task_id: sum, phase: 'PLAN', tool: 'write_file', path, reason: i === 1 ? 'path_outside_workspace' : 'tool_not_allowed', audit_seq: 10 + i }],
        });
      }
      const approveAndBuild = async (task: string, agent: string, summary: string): Promise<string> => {
        const t = await shot.moveToPlan(task, agent);
        const a = await shot.transition(t, 'PLAN', 'BUILD', { plan: { summary, acceptance_criteria: ['it works'], steps: ['do it'] } });
        await shot.admin('POST', `/api/v1/approvals/${a.approval_id}/approve`, {});
        return shot.claim(task, agent);
      };
      const sumToken = await approveAndBuild(sum, 'agent-4', 'sum() with tests');
      later(5);
      await shot.transition(sumToken, 'BUILD', 'REVIEW', {
        test_result: { exit_code: 0, passed: 4, failed: 0 },
        implementation: { changed_files: ['src/sum.ts', 'tests/sum.test.ts'], notes: 'plain reduce over the arguments' },
      });
      const reviewTask = (await shot.admin('GET', `/api/v1/tasks/${sum}`)).body.task.spawned[0] as string;
      const reviewer = await shot.sidecarApi('POST', '/api/v1/tasks/claim', { agent_id: 'agent-7', task_id: reviewTask, capabilities: ['review'] });
      later(1);
      await shot.transition(reviewer.body.phase_token, 'REVIEW', 'COMPLETE', {
        review: { verdict: 'approve', summary: 'Small and tested.', issues: [{ severity: 'nit', file: 'src/sum.ts', line: 2, message: 'name the accumulator' }] },
      });
      later(2);
      await approveAndBuild(lmdb, 'agent-5', 'bump lmdb, run the crash test');
      later(3);
      const limiterToken = await shot.moveToPlan(limiter, 'agent-1');
      const pending = await shot.transition(limiterToken, 'PLAN', 'BUILD', {
        plan: {
          summary: 'Add a token-bucket rate limiter in front of /api/v1 so one client cannot starve the others.',
          acceptance_criteria: ['a client over 100 requests/s gets 429 with Retry-After', 'other clients are not slowed down'],
          steps: ['write failing tests for 429 and Retry-After', 'add the bucket per API key', 'expose rate_limited_total in /metrics'],
          files: ['src/rate-limit.ts', 'src/server.ts', 'tests/rate-limit.test.ts'],
          risks: ['clock skew between instances'],
        },
      });
      offset = 0;
      context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      await page.goto(`${shot.coordinator.url}/ui`);
      await page.locator('#login-key').fill(shot.coordinator.adminKey);
      await page.locator('#login button[type=submit]').click();
      await page.locator('.chart rect.denials').first().waitFor();
      await page.screenshot({ path: join(shots as string, 'dashboard-board.png') });
      await page.goto(`${shot.coordinator.url}/ui#/approvals`);
      const card = page.locator(`[data-approval="${pending.approval_id}"]`);
      await card.locator('[data-artifact=plan] pre', { hasText: 'token-bucket' }).waitFor();
      await card.screenshot({ path: join(shots as string, 'dashboard-approval.png') });
      await page.goto(`${shot.coordinator.url}/ui#/task/${sum}`);
      await page.locator('[data-task-page] [data-artifact=plan] pre', { hasText: 'sum()' }).waitFor();
      await page.locator('[data-task-page] .test-run').first().waitFor();
      await page.locator('[data-task-page] ul.denials li[data-denial]').first().waitFor();
      await page.screenshot({ path: join(shots as string, 'dashboard-task.png'), fullPage: true });
    } finally {
      await shot.close();
    }
  });
});
