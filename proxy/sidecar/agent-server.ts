/**
 * The agent's door: one http.Server on loopback serving the JSON-RPC WebSocket at /agent and
 * the HTTP surface of SPEC §5. Every upgrade and every request must carry the agent key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PhasegateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { createAgentKeyCheck } from './agent-key.js';
import type { BodyBudget } from './body-budget.js';
import { capConnections } from '../../core/coordinator/http/connection-cap.js';
import { countFrames } from './frame-budget.js';
import { serveAgentConnection } from './agent-connection.js';
import { readJsonBody } from './http-body.js';
import { FORWARDED_ROUTES, type Forwarder } from './http-forward.js';
import { sendError, sendJson } from './http-reply.js';
import type { RpcMethods } from './rpc.js';

/** SPEC §5: at most 8 MiB a frame; ws closes a larger one with 1009 (message too big). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export interface AgentServerOptions {
  agentKey: string;
  methods: RpcMethods;
  forwarder: Forwarder;
  logger: Logger;
  maxInFlight: number;
  /** Open connections (ws + HTTP) before one more is refused with 503. */
  maxConnections: number;
  /** Request-body memory shared by every HTTP request. */
  bodies: BodyBudget;
}

export interface AgentServer {
  readonly server: Server;
  /** Open agent sockets (for notifications). */
  readonly clients: ReadonlySet<WebSocket>;
  close(): Promise<void>;
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createAgentServer(opts: AgentServerOptions): AgentServer {
  const { methods, forwarder, logger, maxInFlight } = opts;
  const keyOk = createAgentKeyCheck(opts.agentKey);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!keyOk(req.headers)) return sendJson(res, 401, { error: { reason: 'unauthorized', message: 'missing or wrong agent key' } });
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = `${req.method ?? 'GET'} ${path}`;
    if (route === 'POST /api/v1/tools/execute') return toolsExecute(req, res);
    if (FORWARDED_ROUTES.has(route)) return forwarder.forward(route, req, res);
    return sendJson(res, 404, { error: { reason: 'not_found', message: `no route ${route}` } });
  };

  /** The HTTP twin of `tool.call`: same handler, same hot path, same audit records. */
  const toolsExecute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const body = await readJsonBody(req, opts.bodies);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PhasegateError('invalid_params', 'body must be {phase_token, tool_name, args}');
      const b = body as Record<string, unknown>;
      const toolCall = methods.get('tool.call');
      if (toolCall === undefined) throw new PhasegateError('internal_error', 'tool.call missing');
      const result = await toolCall({ token: b.phase_token, tool: b.tool_name, args: b.args });
      sendJson(res, 200, { result });
    } catch (err) {
      sendError(res, err);
    }
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      logger.error({ event: 'agent_http_failed', err }, 'agent_http_failed');
      if (!res.headersSent) sendError(res, err);
    });
  });

  capConnections(server, opts.maxConnections, logger, 'this sidecar');

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/agent') return refuseUpgrade(socket, '404 Not Found');
    // No key, no socket: the upgrade is refused before any WebSocket exists.
    if (!keyOk(req.headers)) {
      logger.warn({ event: 'agent_upgrade_refused' }, 'agent_upgrade_refused');
      return refuseUpgrade(socket, '401 Unauthorized');
    }
    const frames = countFrames(socket, opts.bodies, logger);
    wss.handleUpgrade(req, socket, head, (ws) => {
      frames.attach(ws);
      logger.info({ event: 'agent_connected' }, 'agent_connected');
      serveAgentConnection(ws, methods, logger, maxInFlight);
    });
  });

  return {
    server,
    clients: wss.clients,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
