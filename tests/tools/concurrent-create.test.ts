/**
 * Many writes creating files in one new folder at once, as the parallel apply of a command's
 * changes does: the folder appears between one write's realpath() and its lstat(). That is
 * not a dangling symlink, and no legitimate write may be refused for it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { allowAll, codeOf, scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
});
afterEach(() => s.cleanup());

it('concurrent writes into the same new nested folder all land', { timeout: 60_000 }, async () => {
  // Staggered starts, so that some writes are between realpath() and lstat() while another
  // creates the folder (as under load); 16 at a time like the apply of a command's changes.
  for (let round = 0; round < 40; round++) {
    const dir = `new${round}/deeper`;
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, async (_, i) => {
        for (let k = 0; k < i % 4; k++) await new Promise((r) => setImmediate(r));
        await s.ws.writeFile(`${dir}/f${i}.txt`, `content ${i}`, allowAll);
      }),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.map((r) => String((r as PromiseRejectedResult).reason?.code))).toEqual([]);
    expect(readdirSync(join(s.root, dir)).length).toBe(16);
  }
});

it('a dangling symlink in the way is still refused', async () => {
  const { symlinkSync } = await import('node:fs');
  symlinkSync(join(s.outside, 'not-yet'), join(s.root, 'dangling'));
  expect(await codeOf(s.ws.writeFile('dangling/x.txt', 'x', allowAll))).toBe('path_outside_workspace');
});
