/** The approval queue: what each pending approval would let through, and (admin only) approve / reject. */
import { ApiError, get, path, post } from './api.js';
import { artifactBlocks } from './artifacts.js';
import { filesChanged, reviews } from './task-parts.js';
import { h, time } from './dom.js';
import type { Approval, Task } from './types.js';
import { canDecide, redrawer, type View, type ViewContext } from './view.js';

export async function approvalsView(ctx: ViewContext): Promise<View> {
  const view = redrawer(ctx.main, async () => {
    const { approvals } = await get<{ approvals: Approval[] }>('/api/v1/approvals?status=all');
    const pending = approvals.filter((a) => a.status === 'pending');
    const cards = await Promise.all(pending.map((a) => approvalCard(ctx, a, () => view.draw())));
    return [
      h('h2', {}, 'Approvals waiting'),
      cards.length === 0 ? h('p', { class: 'empty' }, 'Nothing waits for a decision.') : h('div', { class: 'approvals' }, ...cards),
      decisions(approvals.filter((a) => a.status !== 'pending')),
    ];
  });
  await view.draw();
  return {
    onEvent(e) {
      if (e.type === 'approval_requested' || e.type === 'approval_decided') void view.draw().catch(() => undefined);
    },
    dispose: view.dispose,
  };
}

async function approvalCard(ctx: ViewContext, a: Approval, redraw: () => Promise<void>): Promise<HTMLElement> {
  const task = await get<{ task: Task }>(path('/api/v1/tasks/', a.task_id)).then((r) => r.task, () => null);
  // What the approver reads: the task's artifacts so far (the plan) and those this transition submits.
  const artifacts = { ...(task?.artifacts ?? {}), ...a.artifacts };
  return h(
    'article',
    { class: 'approval', data: { approval: a.id } },
    h('h3', {}, `${a.id} · `, h('a', { href: `#/task/${encodeURIComponent(a.task_id)}` }, a.task_id), ' ', task?.title ?? ''),
    h('p', { class: 'meta' }, h('strong', {}, `${a.from} → ${a.to}`), ` requested by ${a.requested_by} at `, time(a.requested_at)),
    h('h4', {}, 'Files changed'),
    filesChanged(artifacts),
    task === null ? null : reviews(task),
    ...artifactBlocks(artifacts),
    canDecide(ctx) ? decisionForm(a, redraw) : h('p', { class: 'readonly' }, 'Read-only (auditor): decisions need the admin key.'),
  );
}

function decisionForm(a: Approval, redraw: () => Promise<void>): HTMLElement {
  const reason = h('input', { class: 'reason' });
  reason.placeholder = 'reason (required to reject)';
  reason.maxLength = 10_000;
  const status = h('p', { class: 'error', data: { status: '' } });
  status.setAttribute('role', 'alert');
  const decide = (action: 'approve' | 'reject') => async (): Promise<void> => {
    const text = reason.value.trim();
    if (action === 'reject' && text === '') return void (status.textContent = 'Say why you reject it: the agent reads the reason.');
    buttons.forEach((b) => (b.disabled = true));
    try {
      await post(path('/api/v1/approvals/', a.id, `/${action}`), action === 'approve' ? (text === '' ? {} : { note: text }) : { reason: text });
      await redraw();
    } catch (err) {
      status.textContent = err instanceof ApiError ? `${err.reason}: ${err.message}` : String(err);
      buttons.forEach((b) => (b.disabled = false));
    }
  };
  const buttons = [
    h('button', { type: 'button', class: 'approve', data: { action: 'approve' }, onclick: () => void decide('approve')() }, 'Approve'),
    h('button', { type: 'button', class: 'reject', data: { action: 'reject' }, onclick: () => void decide('reject')() }, 'Reject'),
  ];
  return h('div', { class: 'decision' }, reason, ...buttons, status);
}

const RECENT_DECISIONS = 20;

/** The latest decisions: who decided what, when, and why. */
function decisions(decided: Approval[]): HTMLElement | null {
  if (decided.length === 0) return null;
  const latest = [...decided].sort((a, b) => (b.decided_at ?? '').localeCompare(a.decided_at ?? '')).slice(0, RECENT_DECISIONS);
  const rows = latest.map((a) =>
    h(
      'tr',
      { data: { decision: a.id } },
      h('td', {}, a.id),
      h('td', {}, h('a', { href: `#/task/${encodeURIComponent(a.task_id)}` }, a.task_id)),
      h('td', {}, `${a.from} → ${a.to}`),
      h('td', {}, h('span', { class: `badge ${a.status === 'approved' ? 'ok' : 'bad'}` }, a.status)),
      h('td', {}, a.decided_by ?? '—'),
      h('td', {}, a.decided_at === null ? '—' : time(a.decided_at)),
      h('td', {}, a.reason ?? a.note ?? ''),
    ),
  );
  const head = h('tr', {}, ...['approval', 'task', 'transition', 'decision', 'by', 'at', 'reason / note'].map((c) => h('th', {}, c)));
  return h('section', {}, h('h3', {}, 'Recent decisions'), h('table', { class: 'decisions' }, h('thead', {}, head), h('tbody', {}, ...rows)));
}
