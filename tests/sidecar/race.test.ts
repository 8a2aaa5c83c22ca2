/**
 * The race, end to end: while a separate process swaps `docs/swap.md` between a
 * regular file and a symlink to an outside secret as fast as it can, an agent reads it over
 * the real WebSocket thousands of times. No reply may ever carry the outside content.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFileSwapper } from '../support/symlink-swapper.js';
import { startStack, type Stack } from './stack.js';

let stack: Stack | undefined;
let swapper: ChildProcess | undefined;
afterEach(async () => {
  swapper?.kill('SIGKILL');
  await stack?.close();
  stack = undefined;
});

it('an agent reading a file swapped with an outside symlink never receives the outside content', async () => {
  stack = await startStack();
  await stack.addTask();
  const agent = await stack.connect();
  const { token } = await agent.ok('task.claim', {});
  const docs = join(stack.workspace, 'docs');
  await mkdir(docs, { recursive: true });
  await writeFile(join(docs, 'swap.md'), 'inside plan\n');
  swapper = await startFileSwapper(docs, 'swap.md', join(stack.outside, 'secret.txt'), 'inside plan\n');

  const tally = { ok: 0, refused: 0 };
  for (let i = 0; i < 2000; i++) {
    const r = await agent.call('tool.call', { token, tool: 'read_file', args: { path: 'docs/swap.md' } });
    if (r.result !== undefined) {
      expect(r.result.content).not.toContain('TOP SECRET');
      tally.ok++;
    } else {
      expect(['path_outside_workspace', 'tool_failed']).toContain(r.error?.data.reason);
      tally.refused++;
    }
  }
  expect(swapper.exitCode).toBe(null); // the race ran the whole time
  expect(tally.ok + tally.refused).toBe(2000);
  // Every call was audited: a call record each, and a result record for each executed one.
  const calls = (await stack.audit()).filter((r) => r.type === 'call' && r.tool === 'read_file');
  expect(calls.length).toBeGreaterThanOrEqual(2000);
}, 60_000);
