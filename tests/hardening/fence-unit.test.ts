/** PhaseFence on its own: ordering of calls and transitions, and no leaked count on failure. */
import { describe, expect, it } from 'vitest';
import { PhaseFence } from '../../proxy/sidecar/fence.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('PhaseFence', () => {
  it('a transition waits for calls in flight; calls arriving meanwhile run after it', async () => {
    const fence = new PhaseFence();
    const order: string[] = [];
    let finishCall!: () => void;
    const first = fence.call(() => new Promise<void>((r) => (finishCall = () => (order.push('call 1 done'), r()))));
    const transition = fence.transition(async () => void order.push('transition'));
    const second = fence.call(async () => void order.push('call 2'));
    await tick();
    expect(order).toEqual([]);
    finishCall();
    await Promise.all([first, transition, second]);
    expect(order).toEqual(['call 1 done', 'transition', 'call 2']);
  });
  it('failing or synchronously throwing calls are not left counted', async () => {
    const fence = new PhaseFence();
    await expect(fence.call(async () => { throw new Error('async'); })).rejects.toThrow('async');
    await expect(fence.call(() => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(fence.running()).toBe(0);
    await expect(fence.transition(async () => 'ok')).resolves.toBe('ok');
  });
  it('transitions run one at a time, and a failing one reopens the gate', async () => {
    const fence = new PhaseFence();
    const order: string[] = [];
    const a = fence.transition(async () => { await tick(); order.push('a'); throw new Error('blocked'); });
    const b = fence.transition(async () => void order.push('b'));
    await expect(a).rejects.toThrow('blocked');
    await b;
    await fence.call(async () => void order.push('call'));
    expect(order).toEqual(['a', 'b', 'call']);
  });
});
