/**
 * Reads a request body of at most `limit` bytes, for the coordinator and the sidecar alike.
 * A declared Content-Length above the limit is refused before reading; a streamed body is
 * refused the moment it crosses the limit (or the shared budget). On refusal the bytes held
 * so far are given back at once and what still arrives is discarded, never kept; the request
 * is not destroyed, so the refusal can still be answered (linger.ts).
 */
import type { IncomingMessage } from 'node:http';

/** Memory shared by every body being read (the sidecar's, SPEC §11 Limits). */
export interface SharedBodyBudget {
  tryReserve(bytes: number): boolean;
  release(bytes: number): void;
}

export interface BodyBounds {
  readonly limit: number;
  /** The refusal for a body over `limit`. */
  readonly tooLarge: () => Error;
  readonly budget?: SharedBodyBudget;
  /** The refusal when the budget has no room for the next chunk. */
  readonly overBudget?: () => Error;
  /** The refusal for a client gone before its body ended. */
  readonly cutShort?: () => Error;
}

/** The whole body, or undefined when it is empty. */
export function readBoundedBody(req: IncomingMessage, bounds: BodyBounds): Promise<Buffer | undefined> {
  const { limit, budget } = bounds;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(bounds.tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let held = 0;
    let settled = false;
    const giveBack = (): void => {
      budget?.release(held);
      held = 0;
      chunks.length = 0;
    };
    // The refusal is built only when it is the outcome: an Error captures a stack (≈ 10 µs), and
    // 'close' comes after every request, read whole or not.
    const fail = (refusal: () => unknown): void => {
      if (settled) return;
      settled = true;
      giveBack();
      reject(refusal());
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (held + chunk.length > limit) return fail(bounds.tooLarge);
      // Held bodies of every request together stay under the budget: many unfinished bodies are refused, not buffered.
      if (budget !== undefined && !budget.tryReserve(chunk.length)) return fail(bounds.overBudget ?? bounds.tooLarge);
      held += chunk.length;
      chunks.push(chunk);
    });
    req.once('error', (err) => fail(() => err));
    // A client gone before its body ended: what it sent is given back to the budget.
    req.once('close', () => fail(bounds.cutShort ?? (() => new Error('the request ended before its body did'))));
    req.once('end', () => {
      if (settled) return;
      settled = true;
      const body = held === 0 ? undefined : Buffer.concat(chunks, held);
      giveBack();
      resolve(body);
    });
  });
}
