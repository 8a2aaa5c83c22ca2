/**
 * The coordinator + one sidecar the WebSocket and MCP benches measure against: real LMDB in
 * a temp dir, the shipped contract, one task created (not yet claimed), a 1 KiB file in the
 * workspace. Shared so both benches measure the same stack.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/contract/index.js';
import { startCoordinator } from '../core/coordinator/http/index.js';
import { createLogger } from '../core/log.js';
import { startSidecar } from '../proxy/sidecar/index.js';

export const AGENT_KEY = 'bench-agent-key-0123456789abcdef';

export async function startBenchStack(name: string) {
  const root = await mkdtemp(join(tmpdir(), `phasegate-bench-${name}-`));
  const logger = createLogger('bench', 'silent');
  const env = { PHASEGATE_JWT_SECRET: 'bench-hs256-secret-0123456789abcdef0123' };
  const workspace = join(root, 'ws');
  await mkdir(workspace);
  await writeFile(join(workspace, 'one_k.txt'), 'x'.repeat(1023) + '\n');
  const coordinator = await startCoordinator({ dataDir: join(root, 'data'), port: 0, contractFile: join(packageRoot(), 'agent_workflow.yaml'), env, logger });
  const sidecar = await startSidecar({
    coordinatorUrl: coordinator.url, agentId: 'bench-agent', workspace, auditDir: join(root, 'audit'),
    agentKey: AGENT_KEY, sidecarKey: coordinator.sidecarKey, env, logger,
  });
  await fetch(`${coordinator.url}/api/v1/tasks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${coordinator.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'bench' }),
  });
  return {
    root, workspace, logger, coordinator, sidecar,
    async close(): Promise<void> {
      await sidecar.close();
      await coordinator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
