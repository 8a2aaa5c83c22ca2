/** The dashboard's entry: sign-in, the live event stream, and the `#/…` routes to each view. */
import { agentsView } from './agents.js';
import { ApiError, get, request, useSession, type Session } from './api.js';
import { approvalsView } from './approvals.js';
import { boardView } from './board.js';
import { denialsView } from './denials.js';
import { byId, h, replace } from './dom.js';
import { eventHead } from './history.js';
import { openLiveStream, type LiveStream } from './live.js';
import { taskView } from './task-page.js';
import type { Approval, CoordEvent } from './types.js';
import type { View, ViewContext } from './view.js';

const main = byId('main');
const form = byId<HTMLFormElement>('login');
const keyInput = byId<HTMLInputElement>('login-key');
let session: Session | null = null;
let view: View | null = null;
let stream: LiveStream | null = null;
let routing = 0;
/**
 * Events that arrive while a view loads: it has read its snapshot but is not subscribed yet,
 * so they are kept and replayed to it once shown (a card created meanwhile still appears).
 * Null when no view is loading. At WAITING_MAX the view is loaded once more instead (not
 * again after that: under a sustained flood the page shows what it has rather than reloading
 * forever).
 */
let waiting: CoordEvent[] | null = null;
const WAITING_MAX = 10_000;

function deliver(e: CoordEvent): void {
  if (view !== null) return view.onEvent?.(e);
  if (waiting !== null && waiting.length < WAITING_MAX) waiting.push(e);
}

function showLogin(message = ''): void {
  stream?.close();
  stream = null;
  view?.dispose?.();
  view = null;
  waiting = null;
  session = null;
  useSession(null);
  byId('nav').hidden = true;
  byId('logout').hidden = true;
  byId('live').hidden = true;
  byId('who').textContent = '';
  replace(main);
  byId('login-error').textContent = message;
  form.hidden = false;
  keyInput.focus();
}

async function signIn(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const key = keyInput.value;
  const name = byId<HTMLInputElement>('login-name').value.trim();
  // Cleared at once: the key lives in this page only as long as the request takes.
  keyInput.value = '';
  try {
    const s = await request<Session>('POST', '/ui/session', name === '' ? { key } : { key, name });
    await signedIn(s);
  } catch (err) {
    byId('login-error').textContent = err instanceof ApiError ? err.message : 'the coordinator did not answer';
  }
}

async function signedIn(s: Session): Promise<void> {
  session = s;
  useSession(s, () => showLogin('Your session ended: sign in again.'));
  form.hidden = true;
  byId('nav').hidden = false;
  byId('logout').hidden = false;
  byId('who').textContent = `signed in as ${s.role}${s.operator ? ` (${s.operator})` : ''}`;
  byId('who').dataset.role = s.role;
  const live = byId('live');
  live.hidden = false;
  stream = openLiveStream(
    await eventHead(),
    (e) => {
      deliver(e);
      if (e.type === 'approval_requested' || e.type === 'approval_decided') void countApprovals();
    },
    (state) => {
      live.textContent = state === 'live' ? '● live' : `○ ${state}`;
      live.dataset.state = state;
    },
  );
  void countApprovals();
  await route();
}

async function route(retried = false): Promise<void> {
  if (session === null) return;
  const mine = ++routing;
  view?.dispose?.();
  view = null;
  waiting = [];
  const ctx: ViewContext = { role: session.role, main };
  const hash = location.hash === '' ? '#/board' : location.hash;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) a.classList.toggle('current', a.getAttribute('href') === hash);
  let next: View;
  try {
    if (hash.startsWith('#/task/')) next = await taskView(ctx, decodeURIComponent(hash.slice('#/task/'.length)));
    else if (hash === '#/approvals') next = await approvalsView(ctx);
    else if (hash === '#/denials') next = denialsView(ctx);
    else if (hash === '#/agents') next = await agentsView(ctx);
    else next = await boardView(ctx);
  } catch (err) {
    if (mine === routing) waiting = null;
    if (mine === routing) replace(main, h('p', { class: 'error' }, `Could not load this view: ${err instanceof Error ? err.message : String(err)}`));
    return;
  }
  // A newer route started while this one loaded: it owns the page.
  if (mine !== routing) return void next.dispose?.();
  const missed = waiting ?? [];
  waiting = null;
  view = next;
  if (missed.length >= WAITING_MAX && !retried) return void route(true);
  for (const e of missed) next.onEvent?.(e);
}

async function countApprovals(): Promise<void> {
  const { approvals } = await get<{ approvals: Approval[] }>('/api/v1/approvals').catch(() => ({ approvals: [] }));
  byId('approval-count').textContent = approvals.length === 0 ? '' : `(${approvals.length})`;
}

form.addEventListener('submit', (ev) => void signIn(ev));
byId('logout').addEventListener('click', () => {
  void request('POST', '/ui/logout').finally(() => showLogin());
});
window.addEventListener('hashchange', () => void route());
request<Session>('GET', '/ui/session').then(signedIn, () => showLogin()).catch((err: unknown) => {
  replace(main, h('p', { class: 'error' }, `The coordinator did not answer: ${err instanceof Error ? err.message : String(err)}`));
});
