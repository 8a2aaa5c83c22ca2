/**
 * One agent WebSocket: frames in, JSON-RPC replies out, with backpressure. A call counts as
 * in flight until its reply has been written to the socket; at `maxInFlight` the socket stops
 * being read (TCP pushes back on the agent), so neither a flood of calls nor an agent that
 * never reads its replies can grow the sidecar's memory without bound.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../../core/log.js';
import { rpcErrorFor } from './rpc-errors.js';
import { handleRpcFrame, rpcFailure, type RpcMethods } from './rpc.js';

export function serveAgentConnection(ws: WebSocket, methods: RpcMethods, logger: Logger, maxInFlight: number): void {
  let inFlight = 0;
  const done = (): void => {
    inFlight--;
    if (ws.isPaused && inFlight < maxInFlight) ws.resume();
  };
  const reply = (text: string | undefined): void => {
    if (text === undefined || ws.readyState !== ws.OPEN) return done();
    ws.send(text, done);
  };
  ws.on('message', (data, isBinary) => {
    inFlight++;
    if (inFlight >= maxInFlight && !ws.isPaused) ws.pause();
    if (isBinary) return reply(rpcFailure(null, rpcErrorFor('invalid_request', 'send JSON-RPC as text frames')));
    handleRpcFrame(methods, String(data), logger).then(reply, (err: unknown) => {
      logger.error({ event: 'rpc_frame_failed', err }, 'rpc_frame_failed');
      done();
    });
  });
  // Oversized frames (1009), protocol errors and resets surface here; ws closes the socket itself.
  ws.on('error', (err) => logger.debug({ event: 'agent_socket_error', err: err.message }, 'agent_socket_error'));
}
