/**
 * Closing a connection whose request body may still be arriving (a refused or oversized
 * body). Closing at once leaves the client's unread bytes in our receive buffer, and the
 * kernel answers those with a reset that can destroy our answer before the client reads it.
 * Instead the answer is sent (saying `Connection: close`, so no client reuses the
 * connection), what still arrives is read and discarded for at most `ms`, and the connection
 * is closed as soon as the body has ended, or cut when the time is up. Nothing discarded is
 * kept in memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LINGER_MS = 1_000;

/** Call before sending the refusal. */
export function closeAfterLinger(req: IncomingMessage, res: ServerResponse, ms = LINGER_MS): void {
  res.shouldKeepAlive = false;
  // A body already read whole leaves nothing unread: Node's close right after the answer is clean.
  if (req.complete) return;
  const socket = req.socket;
  res.once('finish', () => {
    // Node has just sent our FIN (`destroySoon`) and would destroy the socket once it is out,
    // with the client's bytes unread: the reset. Read on instead and close when the body ends.
    // (tests/hardening/refusal-linger.test.ts fails if a Node version stops honouring this.)
    socket.removeListener('finish', socket.destroy);
    if (socket.destroyed) return;
    const cut = setTimeout(() => socket.destroy(), ms);
    const close = (): void => {
      clearTimeout(cut);
      socket.destroy();
    };
    socket.once('close', () => clearTimeout(cut));
    if (req.complete) return close();
    req.once('end', close);
    req.resume();
  });
}
