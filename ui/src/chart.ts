/** A small bar chart of transitions and denials per minute over the last half hour, as inline SVG built with DOM calls. */
const SVG = 'http://www.w3.org/2000/svg';
const MINUTES = 30;
const W = 600;
const H = 120;
const PAD = 20;

export interface ActivityChart {
  readonly element: SVGSVGElement;
  addTransition(ts: string): void;
  addDenial(ts: string): void;
}

export function createActivityChart(now: () => number = Date.now): ActivityChart {
  const transitions: number[] = [];
  const denials: number[] = [];
  const svg = node('svg', { viewBox: `0 0 ${W} ${H + PAD}`, class: 'chart', role: 'img' });
  let pending = false;
  const redraw = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw(svg, transitions, denials, now());
    });
  };
  const add = (list: number[], ts: string): void => {
    const t = Date.parse(ts);
    if (Number.isNaN(t)) return;
    list.push(t);
    redraw();
  };
  draw(svg, transitions, denials, now());
  return { element: svg, addTransition: (ts) => add(transitions, ts), addDenial: (ts) => add(denials, ts) };
}

function draw(svg: SVGSVGElement, transitions: number[], denials: number[], nowMs: number): void {
  while (svg.firstChild !== null) svg.removeChild(svg.firstChild);
  const end = Math.ceil(nowMs / 60_000) * 60_000;
  const t = buckets(transitions, end);
  const d = buckets(denials, end);
  const max = Math.max(1, ...t, ...d);
  const slot = W / MINUTES;
  const bar = slot / 2 - 1;
  const title = node('title', {});
  title.textContent = `Per minute, last ${MINUTES} minutes: ${sum(t)} transitions, ${sum(d)} denials`;
  svg.appendChild(title);
  svg.appendChild(node('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }));
  for (let i = 0; i < MINUTES; i++) {
    for (const [series, value, dx] of [['transitions', t[i] ?? 0, 0], ['denials', d[i] ?? 0, bar + 1]] as const) {
      if (value === 0) continue;
      const height = (value / max) * (H - 4);
      const rect = node('rect', { x: i * slot + dx, y: H - height, width: bar, height, class: series });
      const tip = node('title', {});
      tip.textContent = `${value} ${series}, ${MINUTES - i} min ago`;
      rect.appendChild(tip);
      svg.appendChild(rect);
    }
  }
  for (const [label, x, y, anchor] of [[`-${MINUTES} min`, 0, H + PAD - 4, 'start'], ['now', W, H + PAD - 4, 'end'], [`${max} per min`, 4, 12, 'start']] as const) {
    const text = node('text', { x, y, 'text-anchor': anchor, class: 'label' });
    text.textContent = label;
    svg.appendChild(text);
  }
}

function buckets(times: readonly number[], end: number): number[] {
  const counts = new Array<number>(MINUTES).fill(0);
  for (const t of times) {
    const i = MINUTES - 1 - Math.floor((end - 1 - t) / 60_000);
    if (i >= 0 && i < MINUTES) counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function node<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}
