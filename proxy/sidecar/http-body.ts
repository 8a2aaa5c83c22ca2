/** Reads a small JSON request body with a size cap, its bytes counted against the sidecar-wide budget. */
import type { IncomingMessage } from 'node:http';
import { PhasegateError } from '../../core/errors.js';
import type { BodyBudget } from './body-budget.js';

/** Claims, transitions and tool calls are small; 8 MiB matches the WebSocket frame limit. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Rejects as soon as the body crosses `limit` or the budget; the bytes held so far are given
 * back at once. The request is not destroyed: what still arrives is discarded (never kept), so
 * the refusal can be answered and the connection closed cleanly (core/coordinator/http/linger.ts).
 */
export function readJsonBody(req: IncomingMessage, budget?: BodyBudget, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new PhasegateError('invalid_request', `body larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let held = 0;
    let settled = false;
    const giveBack = (): void => {
      budget?.release(held);
      held = 0;
      chunks.length = 0;
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      giveBack();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (held + chunk.length > limit) return fail(new PhasegateError('invalid_request', `body larger than ${limit} bytes`));
      // Held bodies of every request together stay under the budget: many unfinished bodies are refused, not buffered.
      if (budget !== undefined && !budget.tryReserve(chunk.length)) {
        return fail(new PhasegateError('limit_exceeded', `request bodies in memory exceed this sidecar's budget (${budget.max} bytes); retry later`));
      }
      held += chunk.length;
      chunks.push(chunk);
    });
    req.once('error', fail);
    // A client gone before its body ended: what it sent is given back to the budget.
    req.once('close', () => fail(new PhasegateError('invalid_request', 'the request ended before its body did')));
    req.once('end', () => {
      if (settled) return;
      settled = true;
      const text = held === 0 ? '' : Buffer.concat(chunks, held).toString('utf8');
      giveBack();
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new PhasegateError('parse_error', 'body is not valid JSON'));
      }
    });
  });
}
