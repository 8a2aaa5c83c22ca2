/** The approval queue: what each pending approval would let through, and (admin only) approve / reject. */
import { ApiError, get, path, post } from './api.js';
import { artifactBlocks } from './artifacts.js';
import { h, replace, time } from './dom.js';
import type { Approval, Task } from './types.js';
import { canDecide, type View, type ViewContext } from './view.js';

export async function approvalsView(ctx: ViewContext): Promise<View> {
  const draw = async (): Promise<void> => {
    const { approvals } = await get<{ approvals: Approval[] }>('/api/v1/approvals');
    const cards = await Promise.all(approvals.map((a) => approvalCard(ctx, a, draw)));
    replace(ctx.main, h('h2', {}, 'Approvals waiting'), cards.length === 0 ? h('p', { class: 'empty' }, 'Nothing waits for a decision.') : h('div', { class: 'approvals' }, ...cards));
  };
  await draw();
  return {
    onEvent(e) {
      if (e.type === 'approval_requested' || e.type === 'approval_decided') void draw().catch(() => undefined);
    },
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
