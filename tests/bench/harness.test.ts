/** The bench harness's paired sampling: both sides warmed up, then alternating blocks, each side summarized over all its samples. */
import { describe, expect, it } from 'vitest';
import { benchPaired } from '../../bench/harness.js';

describe('benchPaired', () => {
  it('warms up each side, then samples them in alternating blocks (A B, B A, …) and summarizes each side alone', async () => {
    const calls: string[] = [];
    const side = (name: string, us: number) => ({
      name,
      fn: async () => {
        calls.push(name);
        const until = process.hrtime.bigint() + BigInt(us * 1000);
        while (process.hrtime.bigint() < until);
      },
    });
    const [a, b] = await benchPaired(side('a', 50), side('b', 400), { blocks: 4, samplesPerBlock: 3, warmup: 2 });
    expect(calls.join('')).toBe('aabb' + 'aaabbb' + 'bbbaaa' + 'aaabbb' + 'bbbaaa');
    expect([a.name, a.n, b.name, b.n]).toEqual(['a', 12, 'b', 12]);
    // Each side's numbers are its own: the slow side's median is the slow one.
    expect(a.median_us).toBeGreaterThanOrEqual(50);
    expect(b.median_us).toBeGreaterThanOrEqual(400);
    expect(a.median_us).toBeLessThan(b.median_us);
  });

  it('a side resolving to a bigint starts its sample there: untimed setup before it is left out', async () => {
    const spin = (us: number) => {
      const until = process.hrtime.bigint() + BigInt(us * 1000);
      while (process.hrtime.bigint() < until);
    };
    const setupThenWork = (startAfterSetup: boolean) => async () => {
      const before = process.hrtime.bigint();
      spin(800); // setup
      const t0 = process.hrtime.bigint();
      spin(50);
      return startAfterSetup ? t0 : void before;
    };
    const [a, b] = await benchPaired(
      { name: 'timed part only', fn: setupThenWork(true) },
      { name: 'setup included', fn: setupThenWork(false) },
      { blocks: 2, samplesPerBlock: 5, warmup: 1 },
    );
    expect(a.median_us).toBeGreaterThanOrEqual(50);
    expect(b.median_us).toBeGreaterThanOrEqual(850);
    // The setup (800 µs) is in b's samples and not in a's.
    expect(a.median_us).toBeLessThan(b.median_us - 400);
  });
});
