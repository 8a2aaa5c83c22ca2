/**
 * `phasegate run` keeps its state outside the workspace (SPEC §3): the embedded coordinator's
 * store and keys and the audit log are in the state dir, a later run on the same workspace
 * resumes its tasks, and a bad --workspace is refused before anything is created.
 */
import { mkdtemp, readFile, readdir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator } from '../../core/coordinator/http/index.js';
import { createLogger } from '../../core/log.js';
import { verifyAudit } from '../../proxy/audit/index.js';
import { resolveAdminKey } from '../../proxy/cli/admin-client.js';
import { createScratchProject } from '../../proxy/demo/scratch-project.js';
import { REPO, spawnCli } from '../e2e/processes.js';

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('phasegate run: state dir', () => {
  it('refuses a missing --workspace with exit 2 and creates nothing anywhere', { timeout: 30_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-runstate-')));
    const missing = join(root, 'nope');
    const state = join(root, 'state');
    const run = spawnCli(['run', '--workspace', missing, '--title', 'x', '--', 'true'], { PHASEGATE_STATE_DIR: state, XDG_STATE_HOME: join(root, 'xdg') });
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/--workspace: workspace does not exist: .*nope/);
    expect(await readdir(root)).toEqual([]);
  });

  it('keeps store, keys (0600) and audit log in the state dir; a later run on the same workspace finds its task', { timeout: 60_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-runstate-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const env = { XDG_STATE_HOME: join(root, 'xdg') };
    const first = spawnCli(['run', '--workspace', ws, '--title', 'Resume me', '--agent-id', 'a1', '--', 'true'], env);
    expect(await first.exited, first.output().stderr).toBe(0);
    const taskId = /claimed (\S+)/.exec(first.output().stderr)?.[1];
    expect(taskId).toBeDefined();

    const [stateName] = await readdir(join(root, 'xdg', 'phasegate'));
    const state = join(root, 'xdg', 'phasegate', stateName as string);
    expect(await mode(state)).toBe(0o700);
    for (const key of ['admin.key', 'sidecar.key', 'jwt.secret']) expect(await mode(join(state, 'coordinator', key))).toBe(0o600);
    expect((await verifyAudit(join(state, 'audit'))).ok).toBe(true);
    // Nothing of phasegate's lands in the workspace.
    expect((await readdir(ws)).filter((n) => n.startsWith('.phasegate'))).toEqual([]);

    const second = spawnCli(['run', '--workspace', ws, '--task', taskId as string, '--agent-id', 'a1', '--', process.execPath, '-e', 'process.stdout.write(process.env.PHASEGATE_TASK_ID)'], env);
    expect(await second.exited, second.output().stderr).toBe(0);
    expect(second.output().stdout).toBe(taskId);

    // The operator's admin commands find the embedded coordinator's key through the workspace.
    const adminKey = resolveAdminKey(env, ws);
    expect(adminKey).toBe((await readFile(join(state, 'coordinator', 'admin.key'), 'utf8')).trim());
    const coordinator = await startCoordinator({
      dataDir: join(state, 'coordinator'),
      port: 0,
      contractFile: join(REPO, 'agent_workflow.yaml'),
      env: { PHASEGATE_JWT_SECRET: (await readFile(join(state, 'coordinator', 'jwt.secret'), 'utf8')).trim() },
      logger: createLogger('t', 'silent'),
    });
    try {
      const list = spawnCli(['task', 'list', '--json', '--coordinator', coordinator.url], { PHASEGATE_ADMIN_KEY: adminKey as string });
      expect(await list.exited, list.output().stderr).toBe(0);
      expect(list.output().stdout).toContain('Resume me');
    } finally {
      await coordinator.close();
    }
  });
});
