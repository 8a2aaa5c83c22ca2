/**
 * The coordinator's event stream, kept open: on a drop it reconnects with `since` = the last
 * seq it delivered, so no event is missed or seen twice across reconnects.
 */
import type { CoordEvent } from './types.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveStream {
  /** The last seq delivered. */
  readonly last: () => number;
  close(): void;
}

export function openLiveStream(since: number, onEvent: (e: CoordEvent) => void, onState: (s: LiveState) => void): LiveStream {
  let last = since;
  let ws: WebSocket | null = null;
  let closed = false;
  let delay = 250;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = (): void => {
    onState(ws === null ? 'connecting' : 'reconnecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // Same origin: the browser adds the session cookie and our Origin, which the coordinator checks.
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/events/stream?since=${last}`);
    ws = socket;
    socket.onopen = () => {
      delay = 250;
      onState('live');
    };
    socket.onmessage = (msg) => {
      let e: CoordEvent;
      try {
        e = JSON.parse(String(msg.data)) as CoordEvent;
      } catch {
        return;
      }
      if (typeof e.seq !== 'number' || e.seq <= last) return;
      last = e.seq;
      onEvent(e);
    };
    socket.onclose = () => {
      if (closed) return;
      onState('reconnecting');
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  connect();
  return {
    last: () => last,
    close() {
      closed = true;
      clearTimeout(timer);
      ws?.close();
    },
  };
}
