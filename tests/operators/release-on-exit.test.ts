/**
 * The wrapper gives its claim back when CMD exits or cannot start (SPEC §2): the task is
 * claimable again at once by another agent, not after the 60 s lease.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchProject } from '../../proxy/demo/scratch-project.js';
import { REPO, spawnCli } from '../e2e/processes.js';

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('phasegate run releases its claim', () => {
  it('when CMD cannot start, and when it exits: another agent claims the task right away', { timeout: 60_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-release-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const env = { PHASEGATE_STATE_DIR: join(root, 'state') };

    const broken = spawnCli(['run', '--workspace', ws, '--title', 'Held briefly', '--agent-id', 'first', '--', join(root, 'no-such-agent')], env);
    expect(await broken.exited).toBe(1);
    const err = broken.output().stderr;
    expect(err).toContain(`phasegate run: cannot start ${join(root, 'no-such-agent')}: spawn ${join(root, 'no-such-agent')} ENOENT`);
    expect(err).toContain('phasegate: released the claim');

    // Were the claim still held, a second agent would be refused for the next 60 s.
    const second = spawnCli(['run', '--workspace', ws, '--task', 'T-1', '--agent-id', 'second', '--', process.execPath, '-e', 'process.stdout.write(process.env.PHASEGATE_TASK_ID)'], env);
    expect(await second.exited, second.output().stderr).toBe(0);
    expect(second.output().stdout).toBe('T-1');
    expect(second.output().stderr).toContain('phasegate: released the claim');

    const third = spawnCli(['run', '--workspace', ws, '--task', 'T-1', '--agent-id', 'third', '--', process.execPath, '-e', 'process.exit(3)'], env);
    expect(await third.exited).toBe(3);
    const fourth = spawnCli(['run', '--workspace', ws, '--task', 'T-1', '--agent-id', 'fourth', '--', 'true'], env);
    expect(await fourth.exited, fourth.output().stderr).toBe(0);
  });
});
