/** Reads a small JSON request body with a size cap, its bytes counted against the sidecar-wide budget. */
import type { IncomingMessage } from 'node:http';
import { PhasegateError } from '../../core/errors.js';
import type { BodyBudget } from './body-budget.js';

/** Claims, transitions and tool calls are small; 8 MiB matches the WebSocket frame limit. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, budget?: BodyBudget, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new PhasegateError('invalid_request', `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const n = (chunk as Buffer).length;
      if (size + n > limit) throw new PhasegateError('invalid_request', `body larger than ${limit} bytes`);
      // Held bodies of every request together stay under the budget: many unfinished bodies are refused, not buffered.
      if (budget !== undefined && !budget.tryReserve(n)) {
        throw new PhasegateError('limit_exceeded', `request bodies in memory exceed this sidecar's budget (${budget.max} bytes); retry later`);
      }
      size += n;
      chunks.push(chunk as Buffer);
    }
  } finally {
    budget?.release(size);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new PhasegateError('parse_error', 'body is not valid JSON');
  }
}
