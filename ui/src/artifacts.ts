/** Artifacts fetched by hash and shown as text; the pieces the task page and approvals pull out of them. */
import { get, path } from './api.js';
import { h } from './dom.js';
import { readable } from './readable.js';

const cache = new Map<string, Promise<unknown>>();

/** An artifact's JSON (artifacts never change: one fetch per hash). */
export function artifact(sha256: string): Promise<unknown> {
  let p = cache.get(sha256);
  if (p === undefined) {
    p = get<{ artifact: unknown }>(path('/api/v1/artifacts/', sha256)).then((r) => r.artifact);
    p.catch(() => cache.delete(sha256));
    cache.set(sha256, p);
  }
  return p;
}

/** `name` as a heading and its content as readable text (filled in when it arrives). */
export function artifactBlock(name: string, sha256: string): HTMLElement {
  const pre = h('pre', { class: 'artifact-text' }, 'loading…');
  void artifact(sha256).then(
    (value) => (pre.textContent = readable(value)),
    (err: Error) => (pre.textContent = `could not load: ${err.message}`),
  );
  return h('section', { class: 'artifact', data: { artifact: name } }, h('h4', {}, name), pre);
}

/** Every artifact of a name → hash map, plan first (what an approver reads first). */
export function artifactBlocks(artifacts: Readonly<Record<string, string>>): HTMLElement[] {
  const names = Object.keys(artifacts).sort((a, b) => (a === 'plan' ? -1 : b === 'plan' ? 1 : a.localeCompare(b)));
  return names.map((n) => artifactBlock(n, artifacts[n] as string));
}

/** A string-array field of an object, or [] (artifacts are agent-written JSON: check every shape). */
export function strings(value: unknown, key: string): string[] {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
