/**
 * WebSocket frames count against the same body budget as HTTP bodies (SPEC §11 Limits).
 * Attack stopped: many connections each sending most of an 8 MiB frame and never the rest;
 * ws buffers every partial frame, so together they would hold frame limit × connections.
 * Bytes are counted as they arrive on the socket (before ws parses them) and given back when
 * a message completes or the connection ends; past the budget the connection is closed with
 * 1013 (try again later).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../core/log.js';
import type { BodyBudget } from './body-budget.js';

/** Call on the raw upgraded socket before ws sees it, then `attach` the WebSocket once it exists. */
export function countFrames(socket: Duplex, budget: BodyBudget, logger: Logger): { attach(ws: WebSocket): void } {
  let pending = 0;
  let ws: WebSocket | undefined;
  let over = false;
  const onData = (chunk: Buffer): void => {
    if (over) return;
    if (budget.tryReserve(chunk.length)) {
      pending += chunk.length;
      return;
    }
    over = true;
    logger.warn({ event: 'frame_budget_exceeded', held: budget.inUse(), max: budget.max }, 'frame_budget_exceeded');
    if (ws !== undefined) ws.close(1013, 'sidecar request memory budget exceeded; retry later');
    socket.destroy();
  };
  const giveBack = (): void => {
    budget.release(pending);
    pending = 0;
  };
  socket.on('data', onData);
  socket.once('close', giveBack);
  return {
    attach(w) {
      ws = w;
      w.on('message', giveBack);
    },
  };
}
