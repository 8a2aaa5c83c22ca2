import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startCoordinator } from '../../core/coordinator/http/server.js';
import type { Logger } from '../../core/log.js';

/**
 * A coordinator for one `phasegate run`, on LMDB under WORKSPACE/.phasegate/. Its keys live
 * only in this process's memory: nothing key-like is written into the workspace, because
 * code the agent writes (its tests, run by run_tests) can read any file there.
 */
export async function startEmbeddedCoordinator(workspace: string, contractFile: string, logger: Logger) {
  const secret = () => randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    PHASEGATE_ADMIN_KEY: secret(),
    PHASEGATE_SIDECAR_KEY: secret(),
    PHASEGATE_JWT_SECRET: secret(),
  };
  const coordinator = await startCoordinator({ dataDir: join(workspace, '.phasegate', 'coordinator'), port: 0, contractFile, env, logger });
  return { coordinator, jwtSecret: env.PHASEGATE_JWT_SECRET as string };
}
