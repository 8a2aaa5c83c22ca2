/** The board: one column per phase, one card per task, moved as the event stream reports changes. */
import { get, path } from './api.js';
import { createActivityChart, type ActivityChart } from './chart.js';
import { h, replace } from './dom.js';
import { recentDenials, recentEvents } from './history.js';
import { phaseColumns } from './phases.js';
import type { Task } from './types.js';
import type { View, ViewContext } from './view.js';

export async function boardView(ctx: ViewContext): Promise<View> {
  const [phases, { tasks }] = await Promise.all([phaseColumns(), get<{ tasks: Task[] }>('/api/v1/tasks')]);
  const board = h('section', { class: 'board' });
  const columns = new Map<string, HTMLElement>();
  const cards = new Map<string, HTMLElement>();
  const column = (phase: string): HTMLElement => {
    let list = columns.get(phase);
    if (list === undefined) {
      list = h('ul', { class: 'cards' });
      columns.set(phase, list);
      board.appendChild(h('div', { class: 'column', data: { column: phase } }, h('h2', {}, phase), list));
    }
    return list;
  };
  const place = (task: Task): void => {
    cards.get(task.id)?.remove();
    const card = taskCard(task);
    cards.set(task.id, card);
    column(task.phase).appendChild(card);
  };
  for (const p of phases) column(p);
  for (const t of tasks) place(t);

  const chart = createActivityChart();
  replace(ctx.main, h('h2', { class: 'sr' }, 'Board'), board, h('section', { class: 'activity' }, h('h3', {}, 'Activity'), legend(), chart.element));
  const stopDenials = await fillChart(chart);

  // One fetch per task at a time (a change meanwhile fetches once more after), so an older
  // answer never moves a card back.
  const fetching = new Map<string, boolean>();
  const refresh = (id: string): void => {
    if (fetching.has(id)) return void fetching.set(id, true);
    fetching.set(id, false);
    get<{ task: Task }>(path('/api/v1/tasks/', id))
      .then(({ task }) => place(task), () => undefined)
      .finally(() => {
        const again = fetching.get(id) === true;
        fetching.delete(id);
        if (again) refresh(id);
      });
  };
  return {
    onEvent(e) {
      if (e.type === 'phase_transition_applied') chart.addTransition(e.ts);
      if (e.task_id !== null) refresh(e.task_id);
      if (e.type === 'task_spawned' && typeof e.data.child_id === 'string') refresh(e.data.child_id);
    },
    dispose: stopDenials,
  };
}

function taskCard(t: Task): HTMLElement {
  return h(
    'li',
    { class: `card status-${t.status.replace(/[^a-z_]/g, '')}`, data: { task: t.id, status: t.status } },
    h('a', { href: `#/task/${encodeURIComponent(t.id)}` }, h('span', { class: 'id' }, t.id), ' ', h('span', { class: 'title' }, t.title)),
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'badge' }, t.status),
      t.blockers.length === 0 ? null : h('span', { class: 'badge bad', title: t.blockers.map((b) => b.message ?? b.code ?? '').join('\n') }, `${t.blockers.length} blocker${t.blockers.length === 1 ? '' : 's'}`),
      t.claim === null ? null : h('span', { class: 'agent' }, t.claim.agent_id),
    ),
  );
}

function legend(): HTMLElement {
  return h('p', { class: 'legend' }, h('span', { class: 'key transitions' }), 'transitions ', h('span', { class: 'key denials' }), 'denials');
}

/** Loads the last half hour into the chart and keeps polling denials (they are not on the event stream). */
async function fillChart(chart: ActivityChart): Promise<() => void> {
  for (const e of await recentEvents()) if (e.type === 'phase_transition_applied') chart.addTransition(e.ts);
  const feed = recentDenials((d) => chart.addDenial(d.received_at));
  return feed.stop;
}
