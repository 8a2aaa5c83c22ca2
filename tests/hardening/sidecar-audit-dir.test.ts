/** A sidecar refuses to start with its audit log inside the workspace, where the agent could rewrite it. */
import { mkdir, mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { startSidecar } from '../../proxy/sidecar/index.js';
import { AGENT_KEY, JWT_SECRET, REPO_CONTRACT, silent } from '../sidecar/stack.js';

let root: string | undefined;
let coordinator: RunningCoordinator | undefined;
afterEach(async () => {
  await coordinator?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  coordinator = undefined;
  root = undefined;
});

describe('sidecar audit dir', () => {
  it('inside the workspace: refused with audit_dir_inside_workspace, nothing created', async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-auditdir-')));
    const ws = join(root, 'ws');
    await mkdir(ws);
    const env = { PHASEGATE_JWT_SECRET: JWT_SECRET };
    coordinator = await startCoordinator({ dataDir: join(root, 'data'), port: 0, contractFile: REPO_CONTRACT, env, logger: silent });
    const err = await startSidecar({
      coordinatorUrl: coordinator.url, agentId: 'a1', workspace: ws, auditDir: join(ws, 'logs'),
      agentKey: AGENT_KEY, sidecarKey: coordinator.sidecarKey, env, logger: silent,
    }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('audit_dir_inside_workspace');
    expect(await readdir(ws)).toEqual([]);
  });
});
