/** `startCoordinator()`: config, keys, contract, tokens, engine, and Node's own http server around them. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadContract } from '../../contract/index.js';
import { PhasegateError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { openCoordinatorService } from '../index.js';
import type { CoordinatorService } from '../types.js';
import { createAuthenticator } from './auth.js';
import { capConnections } from './connection-cap.js';
import { loadConfig } from './config.js';
import { EVENT_STREAM_PATH, createEventStream } from './event-stream.js';
import { lockDataDir, type DataLock } from './data-lock.js';
import { ADMIN_KEY_FILE, AUDITOR_KEY_FILE, SIDECAR_KEY_FILE, resolveBearerKey, type BearerKey } from './keys.js';
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

/** Binds `port`; a port in use is an error that names it and says what to do. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => (server.off('error', fail), ok()));
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new PhasegateError('conflict', `port ${port} on ${host} is in use; choose another with --port (0 picks a free one)`);
    if (code === 'EACCES') throw new PhasegateError('conflict', `no permission to listen on ${host}:${port}; use a port above 1023`);
    throw err;
  }
}

/** Starts a coordinator; refuses (throws) on a bad configuration or contract, listing every problem. */
export async function startCoordinator(opts: StartOptions): Promise<RunningCoordinator> {
  const dataDir = resolve(opts.dataDir);
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? createLogger('coordinator');
  const config = loadConfig(dataDir, env);
  const contract = loadContract(opts.contractFile);
  const host = opts.host ?? config.host ?? '127.0.0.1';
  // The port first, then the data dir's lock, and only then keys and store: a port in use or
  // a data dir another coordinator holds leaves nothing behind (no key file, no store).
  let dispatch: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503, { 'Retry-After': '1' }).end();
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => dispatch(req, res));
  capConnections(server, config.maxConnections, logger, 'this coordinator');
  await listen(server, opts.port ?? config.port ?? 8000, host);
  const undo: (() => Promise<void> | void)[] = [() => new Promise<void>((ok) => server.close(() => ok()))];
  const fail = async (err: unknown): Promise<never> => {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => undefined);
    throw err;
  };
  let lock: DataLock;
  try {
    lock = lockDataDir(dataDir);
  } catch (err) {
    return fail(err);
  }
  undo.push(() => lock.release());
  let service: CoordinatorService;
  let tokens: Awaited<ReturnType<typeof createTokenKeys>>;
  let admin: BearerKey;
  let sidecar: BearerKey;
  let auditor: BearerKey;
  try {
    tokens = await createTokenKeys({ dataDir, env: config.tokenEnv, ttlSeconds: config.tokenTtlS, now });
    admin = await resolveBearerKey(dataDir, ADMIN_KEY_FILE, config.adminKey);
    sidecar = await resolveBearerKey(dataDir, SIDECAR_KEY_FILE, config.sidecarKey);
    auditor = await resolveBearerKey(dataDir, AUDITOR_KEY_FILE, config.auditorKey);
    // Also catches a configured key equal to another role's generated one.
    if (new Set([admin.key, sidecar.key, auditor.key]).size !== 3) throw new TypeError('the admin, sidecar and auditor keys must all differ');
    for (const k of [admin, sidecar, auditor]) if (k.created) logger.info({ event: 'key_file_created', file: k.file }, 'generated bearer key');
    service = await openCoordinatorService({
      dataDir,
      contract,
      issuer: tokens.issuer,
      verifier: tokens.verifier,
      leaseMs: config.leaseMs,
      now,
      logger,
    });
  } catch (err) {
    return fail(err);
  }
  const metrics = createMetrics(() => service.taskCounts());
  const keyAuth = createAuthenticator({ admin: admin.key, sidecar: sidecar.key, auditor: auditor.key });
  // The dashboard's session cookie stands in for the admin/auditor key (with a CSRF token).
  const sessions = createUiSessions({ auth: keyAuth, now });
  const auth = sessions.wrap(keyAuth);
  const deps = { service, contract, issuer: tokens.issuer, metrics, denials: createDenialFeed({ now }) };
  const match = createRouter([...coordinatorRoutes(deps), ...uiRoutes(loadUiAssets(), sessions)]);
  const stream = createEventStream({ service, auth, logger });
  dispatch = createRequestHandler({ match, auth, metrics, logger, bodyLimitBytes: config.bodyLimitBytes });
  server.on('upgrade', (req, socket, head) => {
    if (!stream.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

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
    lock.release();
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
