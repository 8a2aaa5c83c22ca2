/**
 * Open connections to one server, WebSocket and HTTP together (SPEC §11 Limits; used by the
 * coordinator and by every sidecar). Attack stopped: a client multiplying the per-connection
 * limits (in-flight calls, frame and body buffers) by opening connections without end. One
 * past the cap gets a 503 naming the limit and is closed.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../log.js';

export function capConnections(server: Server, max: number, logger: Logger, what = 'this server'): { open(): number } {
  let open = 0;
  server.on('connection', (socket: Socket) => {
    if (open >= max) {
      logger.warn({ event: 'connection_refused', open, max }, 'connection_refused');
      const body = JSON.stringify({ error: { reason: 'limit_exceeded', message: `too many open connections to ${what} (limit ${max}); close some and retry` } });
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      socket.once('finish', () => socket.destroy());
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
  return { open: () => open };
}
