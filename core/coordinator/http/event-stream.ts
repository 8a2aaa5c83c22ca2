/**
 * The WebSocket event stream at `/api/v1/events/stream?since=SEQ`: the backlog after SEQ,
 * then live events, with no gap and no duplicate between the two.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CoordEvent, CoordinatorService } from '../types.js';
import type { Authenticator } from './auth.js';

export const EVENT_STREAM_PATH = '/api/v1/events/stream';
/** A client that lets this much pile up unread is cut off (1013) and resumes with `since`. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const PAGE = 1000;

export interface EventStream {
  /** Handles an HTTP upgrade; returns false when the path is not the stream (caller answers 404). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every stream socket (1001 going away), terminating any that do not finish the close handshake in 1 s. */
  close(): Promise<void>;
}

export function createEventStream(opts: { service: CoordinatorService; auth: Authenticator; logger: Logger }): EventStream {
  const { service, auth, logger } = opts;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  return {
    handleUpgrade(req, socket, head) {
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      if ((q < 0 ? raw : raw.slice(0, q)) !== EVENT_STREAM_PATH) return false;
      // Same bearer keys as the REST routes; anything else gets a bare 401 and no socket.
      if (auth.roleOf(req.headers) === null) return refuse(socket, '401 Unauthorized'), true;
      const sinceRaw = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)).get('since') ?? '0';
      const since = Number(sinceRaw);
      if (!Number.isInteger(since) || since < 0) return refuse(socket, '400 Bad Request'), true;
      // Subscribe before reading the backlog: an event committed in between is buffered, not lost.
      const buffered: CoordEvent[] = [];
      let ws: WebSocket | null = null;
      let last = since;
      const push = (e: CoordEvent): void => {
        if (ws === null) return void buffered.push(e);
        if (e.seq <= last) return;
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.close(1013, 'too slow; reconnect with since');
        ws.send(serialized(e));
        last = e.seq;
      };
      const unsubscribe = service.subscribe(push);
      socket.on('close', unsubscribe);
      wss.handleUpgrade(req, socket, head, (client) => {
        client.on('close', unsubscribe);
        client.on('error', () => client.terminate());
        const live = client;
        ws = live;
        for (let page = service.events(last, PAGE); page.events.length > 0; page = service.events(last, PAGE)) {
          for (const e of page.events) push(e);
          if (live.readyState !== live.OPEN) return;
        }
        for (const e of buffered.splice(0)) push(e);
        logger.debug({ event: 'event_stream_opened', since, sent_through: last }, 'event stream opened');
      });
      return true;
    },
    async close() {
      const closing = [...wss.clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => client.terminate(), 1000);
            client.once('close', () => (clearTimeout(timer), resolve()));
            client.close(1001, 'coordinator shutting down');
          }),
      );
      await Promise.all(closing);
      wss.close();
    },
  };
}

/**
 * Every stream gets the same event object from the publisher: serialize it once, not once
 * per stream (with 1,000 streams that was 1,000 JSON.stringify calls per event).
 */
let lastEvent: CoordEvent | undefined;
let lastText = '';
function serialized(e: CoordEvent): string {
  if (e !== lastEvent) {
    lastText = JSON.stringify(e);
    lastEvent = e;
  }
  return lastText;
}

function refuse(socket: Duplex, status: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
