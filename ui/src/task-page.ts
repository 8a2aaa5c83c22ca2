/** One task: its phase history, artifacts as text, test evidence, review verdicts and files changed. */
import { get, path } from './api.js';
import { artifact, artifactBlocks, field, strings } from './artifacts.js';
import { h, replace, time } from './dom.js';
import { readable } from './readable.js';
import type { Approval, Task } from './types.js';
import type { View, ViewContext } from './view.js';

export async function taskView(ctx: ViewContext, id: string): Promise<View> {
  const draw = async (): Promise<void> => {
    const { task } = await get<{ task: Task }>(path('/api/v1/tasks/', id));
    // A transition waiting for approval has submitted artifacts the task does not hold yet.
    const pending = task.pending_approval_id === null ? undefined : await pendingApproval(task.pending_approval_id);
    const artifacts = { ...task.artifacts, ...(pending?.artifacts ?? {}) };
    replace(
      ctx.main,
      h(
        'article',
        { class: 'task', data: { taskPage: task.id } },
        h('h2', {}, h('span', { class: 'id' }, task.id), ' ', task.title),
        h('p', { class: 'meta' }, `${task.workflow} · phase `, h('strong', { data: { phase: task.phase } }, task.phase), ` · ${task.status}`, task.claim === null ? '' : ` · held by ${task.claim.agent_id}`),
        pending === undefined ? null : h('p', { class: 'pending' }, 'Waiting for approval ', h('a', { href: '#/approvals' }, pending.id), ` (${pending.from} → ${pending.to})`),
        task.description === '' ? null : h('p', { class: 'description' }, task.description),
        task.acceptance_criteria.length === 0 ? null : h('ul', { class: 'criteria' }, ...task.acceptance_criteria.map((c) => h('li', {}, c))),
        task.blockers.length === 0 ? null : h('section', {}, h('h3', {}, 'Blockers'), h('pre', {}, readable(task.blockers))),
        historyTable(task),
        h('section', {}, h('h3', {}, 'Files changed'), filesChanged(artifacts)),
        h('section', {}, h('h3', {}, 'Test evidence'), evidence(task, artifacts)),
        reviews(task),
        h('section', { class: 'artifacts' }, h('h3', {}, 'Artifacts'), ...artifactBlocks(artifacts)),
      ),
    );
  };
  await draw();
  return {
    onEvent(e) {
      if (e.task_id === id) void draw().catch(() => undefined);
    },
  };
}

function historyTable(task: Task): HTMLElement {
  const rows = task.history.map((e) =>
    h('tr', {}, h('td', {}, time(e.at)), h('td', {}, e.from ?? '—', ' → ', e.to), h('td', {}, e.agent_id ?? '—'), h('td', {}, Object.keys(e.artifacts).join(', ')), h('td', {}, e.approval_id ?? '')),
  );
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

type Artifacts = Readonly<Record<string, string>>;

/** From the `implementation` artifact (what the agent says it changed) and the plan's expected files. */
function filesChanged(artifacts: Artifacts): HTMLElement {
  const list = h('ul', { class: 'files' }, h('li', {}, '—'));
  const load = async (): Promise<void> => {
    const impl = artifacts.implementation === undefined ? undefined : await artifact(artifacts.implementation);
    const plan = artifacts.plan === undefined ? undefined : await artifact(artifacts.plan);
    const changed = strings(impl, 'changed_files');
    const planned = strings(plan, 'files');
    const items = [...changed.map((f) => h('li', { data: { file: f } }, f)), ...planned.filter((f) => !changed.includes(f)).map((f) => h('li', { class: 'planned' }, f, ' (planned)'))];
    if (items.length > 0) replace(list, ...items);
  };
  void load().catch(() => undefined);
  return list;
}

/** Test runs the sidecar recorded (when the history carries them) and the agent's own `test_result`. */
function evidence(task: Task, artifacts: Artifacts): HTMLElement {
  const out = h('div', { class: 'evidence' });
  for (const e of task.history) {
    const runs = field(e.evidence, 'test_runs');
    if (!Array.isArray(runs)) continue;
    for (const r of runs) out.appendChild(testRun(`${e.from ?? '—'} → ${e.to}`, r));
  }
  const reported = artifacts.test_result;
  if (reported !== undefined) void artifact(reported).then((r) => out.appendChild(testRun('reported by the agent', r)), () => undefined);
  if (task.history.length > 0 && out.childElementCount === 0 && reported === undefined) out.appendChild(h('p', {}, 'No test runs recorded.'));
  return out;
}

function testRun(label: string, run: unknown): HTMLElement {
  const n = (k: string): string => String(field(run, k) ?? '?');
  return h('p', { class: 'test-run' }, `${label}: `, h('strong', {}, `${n('passed')} passed, ${n('failed')} failed`), `, exit ${n('exit_code')}`);
}

/** The review tasks this task spawned and each one's verdict and issues. */
function reviews(task: Task): HTMLElement | null {
  if (task.spawned.length === 0) return null;
  const list = h('ul', { class: 'reviews' });
  for (const childId of task.spawned) {
    const item = h('li', { data: { review: childId } }, h('a', { href: `#/task/${encodeURIComponent(childId)}` }, childId), ' …');
    list.appendChild(item);
    void get<{ task: Task }>(path('/api/v1/tasks/', childId)).then(async ({ task: child }) => {
      const hash = child.artifacts.review;
      const review = hash === undefined ? undefined : await artifact(hash);
      const issues = field(review, 'issues');
      replace(
        item,
        h('a', { href: `#/task/${encodeURIComponent(childId)}` }, childId),
        ` (${child.status}): `,
        h('strong', {}, String(field(review, 'verdict') ?? 'no verdict yet')),
        review === undefined ? null : h('pre', {}, readable({ summary: field(review, 'summary') ?? '', issues: Array.isArray(issues) ? issues : [] })),
      );
    }, () => undefined);
  }
  return h('section', {}, h('h3', {}, 'Review verdicts'), list);
}
