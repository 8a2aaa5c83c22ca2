/**
 * Closing a connection whose request body may still be arriving (a refused or oversized
 * body). Closing at once leaves the client's unread bytes in our receive buffer, and the
 * kernel answers those with a reset that can destroy our answer before the client reads it
 * (`fetch` then reports only "fetch failed"). Instead the answer is sent, what still arrives
 * is read and discarded for at most `ms`, and the connection is closed: cleanly as soon as the
 * body has ended, cut when the time is up. Nothing discarded is kept in memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LINGER_MS = 1_000;

/** Call before sending the refusal. */
export function closeAfterLinger(req: IncomingMessage, res: ServerResponse, ms = LINGER_MS): void {
  const socket = req.socket;
  // Node would destroy the socket right after the answer (the reset above); we close it ourselves.
  res.shouldKeepAlive = true;
  res.once('finish', () => {
    if (socket.destroyed) return;
    const cut = setTimeout(() => socket.destroy(), ms);
    const close = (): void => {
      clearTimeout(cut);
      socket.end();
    };
    socket.once('close', () => clearTimeout(cut));
    if (req.complete) return close();
    req.once('end', close);
    req.resume();
  });
}
