/**
 * The phase fence for phase changes the sidecar did not cause (an approval landing, a lease
 * lost): a file tool decided under one bound policy writes nothing once the session holds
 * another, and says `tool_failed` with `detail: "phase_changed"`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { bindPolicy } from '../../core/policy/index.js';
import type { BoundPolicy } from '../../core/policy/types.js';
import type { SidecarContext } from '../../proxy/sidecar/context.js';
import { executeTool } from '../../proxy/sidecar/tool-exec.js';
import { createWorkspace } from '../../proxy/tools/index.js';
import { assignment, makeContract } from '../policy/fixture.js';
import { silent } from '../sidecar/stack.js';

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

async function setup(current: (decided: BoundPolicy) => BoundPolicy | undefined) {
  root = await mkdtemp(join(tmpdir(), 'phasegate-phase-changed-'));
  await writeFile(join(root, 'a.txt'), 'old');
  const decided = bindPolicy(makeContract(), assignment('IMPL'));
  const session = { policy: current(decided) };
  const ctx = { session, workspace: await createWorkspace(root, { logger: silent }) } as unknown as SidecarContext;
  return { ctx, decided };
}

const calls: [string, Record<string, unknown>, string][] = [
  ['write_file', { path: 'b.txt', content: 'new' }, 'b.txt'],
  ['edit_file', { path: 'a.txt', old: 'old', new: 'new' }, 'a.txt'],
  ['delete_file', { path: 'a.txt' }, 'a.txt'],
];

describe('phase changed between decision and write', () => {
  it.each(calls)('%s writes nothing when the session moved to another phase', async (tool, args, path) => {
    const { ctx, decided } = await setup(() => bindPolicy(makeContract(), assignment('REVIEW')));
    const err = await executeTool(ctx, decided, tool, args, { decision: 'allow', path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhasegateError);
    expect((err as PhasegateError).code).toBe('tool_failed');
    expect((err as PhasegateError).detail?.detail).toBe('phase_changed');
    expect(existsSync(join(root!, 'b.txt'))).toBe(false);
    expect(await readFile(join(root!, 'a.txt'), 'utf8')).toBe('old');
  });
  it('a lost lease (no policy at all) writes nothing either', async () => {
    const { ctx, decided } = await setup(() => undefined);
    await expect(executeTool(ctx, decided, 'write_file', { path: 'b.txt', content: 'x' }, { decision: 'allow', path: 'b.txt' })).rejects.toThrow(/phase changed/);
    expect(existsSync(join(root!, 'b.txt'))).toBe(false);
  });
  it('in the same phase the write lands', async () => {
    const { ctx, decided } = await setup((d) => d);
    await expect(executeTool(ctx, decided, 'write_file', { path: 'b.txt', content: 'x' }, { decision: 'allow', path: 'b.txt' })).resolves.toMatchObject({ value: { bytes: 1 } });
  });
});
