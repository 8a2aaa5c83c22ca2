/**
 * Building DOM without markup: strings always become Text nodes, so nothing an agent wrote
 * (titles, paths, artifacts, reasons) is ever parsed as HTML. There is no innerHTML here.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  readonly id?: string;
  /** `data-*` attributes, for tests and styling. */
  readonly data?: Readonly<Record<string, string>>;
  /** Only fragment links (`#/task/T-1`): a script URL cannot be planted through this. */
  readonly href?: `#${string}`;
  readonly title?: string;
  readonly type?: 'button' | 'submit';
  readonly onclick?: (ev: Event) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class !== undefined) el.className = props.class;
  if (props.id !== undefined) el.id = props.id;
  if (props.href !== undefined) el.setAttribute('href', props.href);
  if (props.title !== undefined) el.title = props.title;
  if (props.type !== undefined) el.setAttribute('type', props.type);
  if (props.onclick !== undefined) el.addEventListener('click', props.onclick);
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id}`);
  return el as T;
}

/** `2026-11-27T21:03:04.123Z` → `21:03:04` (local time), the full time in the tooltip. */
export function time(iso: string): HTMLElement {
  const d = new Date(iso);
  const t = h('time', { title: iso }, Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false }));
  t.setAttribute('datetime', iso);
  return t;
}
