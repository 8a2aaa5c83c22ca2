/**
 * One agent WebSocket: frames in, JSON-RPC replies out, with backpressure. A call counts as
 * in flight until its reply has been written to the socket (the `send` callback). At
 * `maxInFlight` the socket stops being read, so TCP pushes back on the agent; frames that had
 * already arrived in the same read wait as raw text in a queue and start only as earlier
 * calls finish. So neither a flood of calls nor an agent that never reads its replies can
 * grow the sidecar's memory beyond `maxInFlight` calls and replies plus one socket read.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../../core/log.js';
import { rpcErrorFor } from './rpc-errors.js';
import { handleRpcFrame, rpcFailure, type RpcMethods } from './rpc.js';

const BINARY_FRAME = rpcFailure(null, rpcErrorFor('invalid_request', 'send JSON-RPC as text frames'));

export function serveAgentConnection(ws: WebSocket, methods: RpcMethods, logger: Logger, maxInFlight: number): void {
  let inFlight = 0;
  /** Frames read but not started; `null` stands for a binary frame. */
  const waiting: (string | null)[] = [];

  const done = (): void => {
    inFlight--;
    pump();
  };
  const reply = (text: string | undefined): void => {
    if (text === undefined || ws.readyState !== ws.OPEN) return done();
    ws.send(text, done);
  };
  const start = (frame: string | null): void => {
    inFlight++;
    if (frame === null) return reply(BINARY_FRAME);
    handleRpcFrame(methods, frame, logger).then(reply, (err: unknown) => {
      logger.error({ event: 'rpc_frame_failed', err }, 'rpc_frame_failed');
      done();
    });
  };
  const pump = (): void => {
    while (inFlight < maxInFlight && waiting.length > 0) start(waiting.shift() as string | null);
    const full = inFlight >= maxInFlight || waiting.length > 0;
    if (full && !ws.isPaused) ws.pause();
    else if (!full && ws.isPaused) ws.resume();
  };

  ws.on('message', (data, isBinary) => {
    waiting.push(isBinary ? null : String(data));
    pump();
  });
  // Oversized frames (1009), protocol errors and resets surface here; ws closes the socket itself.
  ws.on('error', (err) => logger.debug({ event: 'agent_socket_error', err: err.message }, 'agent_socket_error'));
  ws.on('close', () => void waiting.splice(0));
}
