/** One task: its phase history, artifacts as text, test evidence, review verdicts and files changed. */
import { get, path } from './api.js';
import { artifact, artifactBlocks, field } from './artifacts.js';
import { h, replace, time } from './dom.js';
import { readable } from './readable.js';
import { filesChanged, reviews, type Artifacts } from './task-parts.js';
import type { Approval, Denial, Task } from './types.js';
import { redrawer, type View, type ViewContext } from './view.js';

export async function taskView(ctx: ViewContext, id: string): Promise<View> {
  const view = redrawer(ctx.main, async () => {
    const { task } = await get<{ task: Task }>(path('/api/v1/tasks/', id));
    // A transition waiting for approval has submitted artifacts the task does not hold yet.
    const pending = task.pending_approval_id === null ? undefined : await pendingApproval(task.pending_approval_id);
    const artifacts = { ...task.artifacts, ...(pending?.artifacts ?? {}) };
    return [
      h(
        'article',
        { class: 'task', data: { taskPage: task.id } },
        h('h2', {}, h('span', { class: 'id' }, task.id), ' ', task.title),
        h('p', { class: 'meta' }, `${task.workflow} · phase `, h('strong', { data: { phase: task.phase } }, task.phase), ` · ${task.status}`, task.claim === null ? '' : ` · held by ${task.claim.agent_id}`),
        pending === undefined ? null : h('p', { class: 'pending' }, 'Waiting for approval ', h('a', { href: '#/approvals' }, pending.id), ` (${pending.from} → ${pending.to})`),
        task.description === '' ? null : h('p', { class: 'description' }, task.description),
        task.acceptance_criteria.length === 0 ? null : h('section', {}, h('h3', {}, 'Acceptance criteria'), h('ul', { class: 'criteria' }, ...task.acceptance_criteria.map((c) => h('li', {}, c)))),
        task.blockers.length === 0 ? null : h('section', {}, h('h3', {}, 'Blockers'), h('pre', {}, readable(task.blockers))),
        historyTable(task),
        h('section', {}, h('h3', {}, 'Files changed'), filesChanged(artifacts)),
        h('section', {}, h('h3', {}, 'Test evidence'), evidence(task, artifacts)),
        reviews(task),
        h('section', {}, h('h3', {}, 'Refused calls'), taskDenials(task.id)),
        h('section', { class: 'artifacts' }, h('h3', {}, 'Artifacts'), ...artifactBlocks(artifacts)),
      ),
    ];
  });
  await view.draw();
  return {
    onEvent(e) {
      if (e.task_id === id) void view.draw().catch(() => undefined);
    },
    dispose: view.dispose,
  };
}

function historyTable(task: Task): HTMLElement {
  const rows = task.history.map((e) => {
    const by = field(field(e.evidence, 'approval'), 'decided_by');
    const approval = e.approval_id === undefined ? '' : typeof by === 'string' ? `${e.approval_id} (by ${by})` : e.approval_id;
    return h('tr', {}, h('td', {}, time(e.at)), h('td', {}, e.from ?? '—', ' → ', e.to), h('td', {}, e.agent_id ?? '—'), h('td', {}, Object.keys(e.artifacts).join(', ')), h('td', {}, approval));
  });
  return h(
    'section',
    {},
    h('h3', {}, 'Phase history'),
    h('table', { class: 'history' }, h('thead', {}, h('tr', {}, ...['at', 'transition', 'agent', 'artifacts', 'approval'].map((c) => h('th', {}, c)))), h('tbody', {}, ...rows)),
  );
}

async function pendingApproval(approvalId: string): Promise<Approval | undefined> {
  const { approvals } = await get<{ approvals: Approval[] }>('/api/v1/approvals').catch(() => ({ approvals: [] as Approval[] }));
  return approvals.find((a) => a.id === approvalId);
}

/**
 * What each transition passed its gate on, as the coordinator recorded it with the history
 * entry (the sidecar's own test run, the test lock, the approval), then the agent's own
 * `test_result` summary, labelled as such: gates never trust it.
 */
function evidence(task: Task, artifacts: Artifacts): HTMLElement {
  const out = h('div', { class: 'evidence' });
  for (const e of task.history) {
    if (e.evidence === undefined || e.evidence === null) continue;
    const label = `${e.from ?? '—'} → ${e.to}`;
    const single = field(e.evidence, 'test_run');
    const many = field(e.evidence, 'test_runs');
    for (const r of [...(single === undefined ? [] : [single]), ...(Array.isArray(many) ? many : [])]) out.appendChild(testRun(label, r));
    const lock = field(e.evidence, 'test_lock');
    if (lock !== undefined) out.appendChild(h('p', { class: 'test-lock' }, `${label}: test lock ${String(field(lock, 'action') ?? '')}, ${String(field(lock, 'files') ?? '?')} files`));
  }
  const reported = artifacts.test_result;
  if (reported !== undefined) void artifact(reported).then((r) => out.appendChild(testRun('reported by the agent', r)), () => undefined);
  if (out.childElementCount === 0 && reported === undefined) out.appendChild(h('p', { class: 'empty' }, 'No test runs recorded.'));
  return out;
}

function testRun(label: string, run: unknown): HTMLElement {
  const n = (k: string): string => String(field(run, k) ?? '?');
  return h('p', { class: 'test-run' }, `${label}: `, h('strong', {}, `${n('passed')} passed, ${n('failed')} failed`), `, exit ${n('exit_code')}`);
}

const TASK_DENIALS = 20;

/** This task's latest refusals from the coordinator's (recent, capped) denials feed. */
function taskDenials(taskId: string): HTMLElement {
  const list = h('ul', { class: 'denials' }, h('li', { class: 'empty' }, 'None reported recently.'));
  void get<{ denials: Denial[] }>('/api/v1/denials?limit=1000').then(({ denials }) => {
    const mine = denials.filter((d) => d.task_id === taskId).slice(-TASK_DENIALS).reverse();
    if (mine.length > 0) replace(list, ...mine.map((d) => h('li', { data: { denial: String(d.id) } }, time(d.ts), ` ${d.agent_id} · ${d.phase ?? '—'} · `, h('code', {}, d.tool ?? '—'), ' ', h('code', {}, d.path ?? ''), ' → ', h('span', { class: 'badge' }, d.reason))));
  }, () => undefined);
  return list;
}
