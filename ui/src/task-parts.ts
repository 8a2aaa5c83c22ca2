/** Pieces shown both on a task's page and with an approval: files changed and review verdicts. */
import { get, path } from './api.js';
import { artifact, field, strings } from './artifacts.js';
import { h, replace } from './dom.js';
import { readable } from './readable.js';
import type { Task } from './types.js';

export type Artifacts = Readonly<Record<string, string>>;

/** From the `implementation` artifact (what the agent says it changed) and the plan's expected files. */
export function filesChanged(artifacts: Artifacts): HTMLElement {
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

/** The review tasks this task spawned and each one's verdict and issues. */
export function reviews(task: Task): HTMLElement | null {
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
