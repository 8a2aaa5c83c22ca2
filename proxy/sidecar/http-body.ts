/** Reads a small JSON request body with a size cap. */
import type { IncomingMessage } from 'node:http';
import { PhasegateError } from '../../core/errors.js';

/** Claims, transitions and tool calls are small; 8 MiB matches the WebSocket frame limit. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new PhasegateError('invalid_request', `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new PhasegateError('parse_error', 'body is not valid JSON');
  }
}
