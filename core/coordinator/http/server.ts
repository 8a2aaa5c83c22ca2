/** `startCoordinator()`: config, keys, contract, tokens, engine, and Node's own http server around them. */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadContract } from '../../contract/index.js';
import { createLogger } from '../../log.js';
import { openCoordinatorService } from '../index.js';
import type { CoordinatorService } from '../types.js';
import { createAuthenticator } from './auth.js';
import { capConnections } from './connection-cap.js';
import { loadConfig } from './config.js';
import { EVENT_STREAM_PATH, createEventStream } from './event-stream.js';
import { ADMIN_KEY_FILE, AUDITOR_KEY_FILE, SIDECAR_KEY_FILE, resolveBearerKey } from './keys.js';
import { createMetrics } from './metrics.js';
import { createRequestHandler } from './request-handler.js';
import { createRouter } from './router.js';
import { coordinatorRoutes } from './routes.js';
import { createTokenKeys } from './token-keys.js';
import { createDenialFeed } from '../denial-feed.js';
import { uiRoutes } from './routes-ui.js';
import { loadUiAssets } from './ui-assets.js';
import { createUiSessions } from './ui-session.js';

export interface StartOptions {
  dataDir: string;
  /** Default 127.0.0.1: the API hands out phase tokens and approvals, so it is not exposed to the network unless asked. */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  contractFile: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: () => number;
}

export interface RunningCoordinator {
  readonly url: string;
  readonly port: number;
  readonly adminKey: string;
  readonly sidecarKey: string;
  /** The read-only auditor role's key (tasks, approvals, events, checkpoints; no decisions). */
  readonly auditorKey: string;
  /** Files holding generated keys (null when the key came from configuration). */
  readonly keyFiles: { readonly admin: string | null; readonly sidecar: string | null; readonly auditor: string | null; readonly signing: string | null };
  readonly service: CoordinatorService;
  /** Stops accepting, finishes in-flight requests, closes event streams, then the engine. */
  close(): Promise<void>;
}

/** Starts a coordinator; refuses (throws) on a bad configuration or contract, listing every problem. */
export async function startCoordinator(opts: StartOptions): Promise<RunningCoordinator> {
  const dataDir = resolve(opts.dataDir);
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? createLogger('coordinator');
  const config = loadConfig(dataDir, env);
  const contract = loadContract(opts.contractFile);
  const tokens = await createTokenKeys({ dataDir, env: config.tokenEnv, ttlSeconds: config.tokenTtlS, now });
  const admin = await resolveBearerKey(dataDir, ADMIN_KEY_FILE, config.adminKey);
  const sidecar = await resolveBearerKey(dataDir, SIDECAR_KEY_FILE, config.sidecarKey);
  const auditor = await resolveBearerKey(dataDir, AUDITOR_KEY_FILE, config.auditorKey);
  // Also catches a configured key equal to another role's generated one.
  if (new Set([admin.key, sidecar.key, auditor.key]).size !== 3) throw new TypeError('the admin, sidecar and auditor keys must all differ');
  for (const k of [admin, sidecar, auditor]) if (k.created) logger.info({ event: 'key_file_created', file: k.file }, 'generated bearer key');

  const service = await openCoordinatorService({
    dataDir,
    contract,
    issuer: tokens.issuer,
    verifier: tokens.verifier,
    leaseMs: config.leaseMs,
    now,
    logger,
  });
  const metrics = createMetrics(() => service.taskCounts());
  const keyAuth = createAuthenticator({ admin: admin.key, sidecar: sidecar.key, auditor: auditor.key });
  // The dashboard's session cookie stands in for the admin/auditor key (with a CSRF token).
  const sessions = createUiSessions({ auth: keyAuth, now });
  const auth = sessions.wrap(keyAuth);
  const deps = { service, contract, issuer: tokens.issuer, metrics, denials: createDenialFeed({ now }) };
  const match = createRouter([...coordinatorRoutes(deps), ...uiRoutes(loadUiAssets(), sessions)]);
  const stream = createEventStream({ service, auth, logger });
  const server = createServer({ keepAliveTimeout: 30_000 }, createRequestHandler({ match, auth, metrics, logger, bodyLimitBytes: config.bodyLimitBytes }));
  capConnections(server, config.maxConnections, logger, 'this coordinator');
  server.on('upgrade', (req, socket, head) => {
    if (!stream.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  const host = opts.host ?? config.host ?? '127.0.0.1';
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(opts.port ?? config.port ?? 8000, host, () => (server.off('error', fail), ok()));
    });
  } catch (err) {
    await service.close();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ event: 'coordinator_listening', url, data_dir: dataDir, contract: contract.file, alg: tokens.issuer.alg, stream: EVENT_STREAM_PATH }, 'coordinator listening');

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((ok) => server.close(() => ok()));
    server.closeIdleConnections();
    await stream.close();
    // In-flight requests get 5 s to finish; after that their sockets are cut so shutdown cannot hang.
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    await stopped;
    clearTimeout(force);
    await service.close();
    logger.info({ event: 'coordinator_stopped' }, 'coordinator stopped');
  };
  return {
    url,
    port,
    adminKey: admin.key,
    sidecarKey: sidecar.key,
    auditorKey: auditor.key,
    keyFiles: { admin: admin.file, sidecar: sidecar.file, auditor: auditor.file, signing: tokens.signingKeyFile },
    service,
    close: () => (closing ??= close()),
  };
}
