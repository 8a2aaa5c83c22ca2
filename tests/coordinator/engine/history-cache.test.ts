/** The cache of decoded history entries: loads only what it has not seen, never answers more than asked, stays bounded. */
import { describe, expect, it } from 'vitest';
import { HistoryCache } from '../../../core/coordinator/history-cache.js';
import type { HistoryEntry } from '../../../core/coordinator/types.js';

const entry = (task: string, i: number): HistoryEntry => ({ from: null, to: `${task}:${i}`, at: '2030-01-01T00:00:00.000Z', agent_id: null, artifacts: {} });

/** A store of `lengths[task]` entries per task that counts the entries it decodes. */
function source(lengths: Record<string, number>) {
  const s = {
    decoded: 0,
    load: (task: string) => (from: number, to: number) => {
      const out: HistoryEntry[] = [];
      for (let i = from; i < Math.min(to, lengths[task] ?? 0); i++) out.push(entry(task, i));
      s.decoded += out.length;
      return out;
    },
  };
  return s;
}

describe('history cache', () => {
  it('loads only the entries it has not seen; an older record gets its prefix; every answer is a new array', () => {
    const src = source({ a: 10 });
    const cache = new HistoryCache(100);
    expect(cache.read('a', 0, src.load('a'))).toEqual([]);
    const first = cache.read('a', 4, src.load('a'));
    expect(first.map((e) => e.to)).toEqual(['a:0', 'a:1', 'a:2', 'a:3']);
    expect(src.decoded).toBe(4);
    expect(cache.read('a', 10, src.load('a')).map((e) => e.to)).toEqual(Array.from({ length: 10 }, (_, i) => `a:${i}`));
    expect(src.decoded).toBe(10);
    expect(cache.read('a', 3, src.load('a'))).toHaveLength(3);
    expect(src.decoded).toBe(10);
    first.push(entry('x', 0));
    expect(cache.read('a', 4, src.load('a'))).toHaveLength(4);
  });

  it('stays within its bound, evicting the least recently read task; a history longer than the bound is not kept', () => {
    const src = source({ a: 5, b: 5, c: 5, big: 50 });
    const cache = new HistoryCache(10);
    cache.read('a', 5, src.load('a'));
    cache.read('b', 5, src.load('b'));
    cache.read('a', 5, src.load('a')); // a is now the most recent
    cache.read('c', 5, src.load('c')); // b goes
    expect(cache.size).toBe(10);
    src.decoded = 0;
    cache.read('a', 5, src.load('a'));
    expect(src.decoded).toBe(0);
    cache.read('b', 5, src.load('b'));
    expect(src.decoded).toBe(5);
    expect(cache.read('big', 50, src.load('big'))).toHaveLength(50);
    expect(cache.size).toBeLessThanOrEqual(10);
  });

  it('a short read (a record missing) is answered as it is and not remembered', () => {
    const src = source({ a: 3 });
    const cache = new HistoryCache(100);
    expect(cache.read('a', 5, src.load('a'))).toHaveLength(3);
    expect(cache.size).toBe(0);
    expect(() => new HistoryCache(-1)).toThrow(TypeError);
  });
});
