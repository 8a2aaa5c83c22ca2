import { basename, dirname } from 'node:path';
import { startCoordinator } from '../../core/coordinator/http/server.js';
import { resolveBearerKey } from '../../core/coordinator/http/keys.js';
import type { Logger } from '../../core/log.js';
import type { StatePaths } from './state-dir.js';

/**
 * A coordinator for `phasegate run`, on LMDB in the workspace's state dir (SPEC §3), never in
 * the workspace: code the agent gets run could otherwise open the store and complete its own
 * task. Its admin and sidecar keys and its HS256 secret are files there (0600), so a later
 * run on the same workspace resumes its tasks and `phasegate task list` can use the admin key.
 */
export async function startEmbeddedCoordinator(state: StatePaths, contractFile: string, logger: Logger) {
  const jwt = await resolveBearerKey(dirname(state.jwtSecretFile), basename(state.jwtSecretFile), undefined);
  // Explicit env: an operator's PHASEGATE_ADMIN_KEY meant for another coordinator is not taken.
  const env: NodeJS.ProcessEnv = { PHASEGATE_JWT_SECRET: jwt.key };
  const coordinator = await startCoordinator({ dataDir: state.coordinatorDir, port: 0, contractFile, env, logger });
  return { coordinator, jwtSecret: jwt.key };
}
