/**
 * Each agent's audit checkpoints: the heads of its audit chain the coordinator holds. Two
 * different hashes for one seq mean the agent's log was rewritten after it was checkpointed.
 */
import { get } from './api.js';
import { h } from './dom.js';
import type { Checkpoint } from './types.js';
import { redrawer, type View, type ViewContext } from './view.js';

export async function agentsView(ctx: ViewContext): Promise<View> {
  const view = redrawer(ctx.main, async () => {
    const { checkpoints } = await get<{ checkpoints: Checkpoint[] }>('/api/v1/checkpoints');
    const byAgent = new Map<string, Checkpoint[]>();
    for (const c of checkpoints) byAgent.set(c.agent_id, [...(byAgent.get(c.agent_id) ?? []), c]);
    const rows = [...byAgent].map(([agent, cps]) => row(agent, cps));
    return [
      h('h2', {}, 'Agents: audit checkpoints'),
      rows.length === 0
        ? h('p', { class: 'empty' }, 'No sidecar has sent a checkpoint yet.')
        : h('table', { class: 'agents' }, h('thead', {}, h('tr', {}, ...['agent', 'status', 'checkpoints', 'latest seq', 'latest hash', 'task'].map((c) => h('th', {}, c)))), h('tbody', {}, ...rows)),
    ];
  });
  await view.draw();
  return {
    onEvent(e) {
      if (e.type === 'audit_checkpoint') void view.draw().catch(() => undefined);
    },
    dispose: view.dispose,
  };
}

function row(agent: string, cps: Checkpoint[]): HTMLElement {
  const latest = cps.reduce((a, b) => (b.seq > a.seq ? b : a));
  const seen = new Map<number, string>();
  let conflict: number | null = null;
  for (const c of cps) {
    const other = seen.get(c.seq);
    if (other !== undefined && other !== c.hash) conflict = c.seq;
    seen.set(c.seq, c.hash);
  }
  const status = conflict === null ? h('span', { class: 'badge ok' }, 'consistent') : h('span', { class: 'badge bad' }, `two heads at seq ${conflict}`);
  return h(
    'tr',
    { data: { agent } },
    h('td', {}, agent),
    h('td', {}, status),
    h('td', {}, cps.length),
    h('td', {}, latest.seq),
    h('td', { class: 'mono', title: latest.hash }, latest.hash.slice(0, 16)),
    h('td', {}, latest.task_id ?? '—'),
  );
}
