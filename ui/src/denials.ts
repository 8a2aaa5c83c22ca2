/** Recent refusals reported by sidecars: who tried what, where, and why it was refused. */
import { h, replace, time } from './dom.js';
import { recentDenials } from './history.js';
import type { Denial } from './types.js';
import type { View, ViewContext } from './view.js';

const SHOWN = 200;

export function denialsView(ctx: ViewContext): View {
  const body = h('tbody', {});
  const head = h('tr', {}, ...['time', 'agent', 'task', 'phase', 'tool', 'path / command', 'reason'].map((c) => h('th', {}, c)));
  const empty = h('p', { class: 'empty' }, 'No refusals reported.');
  replace(ctx.main, h('h2', {}, 'Recent denials'), empty, h('table', { class: 'denials' }, h('thead', {}, head), body));
  const feed = recentDenials((d) => {
    empty.remove();
    body.insertBefore(row(d), body.firstChild);
    while (body.childElementCount > SHOWN) body.lastElementChild?.remove();
  });
  return { dispose: feed.stop };
}

function row(d: Denial): HTMLElement {
  return h(
    'tr',
    { data: { denial: String(d.id) } },
    h('td', {}, time(d.ts)),
    h('td', {}, d.agent_id),
    h('td', {}, d.task_id ?? '—'),
    h('td', {}, d.phase ?? '—'),
    h('td', { class: 'mono' }, d.tool ?? '—'),
    h('td', { class: 'mono' }, d.path ?? '—'),
    h('td', {}, h('span', { class: 'badge' }, d.reason)),
  );
}
