/** Reads a JSON request body with a size limit, before anything parses it. */
import type { IncomingMessage } from 'node:http';
import { PhasegateError } from '../../errors.js';

/**
 * Buffers at most `limit` bytes: a declared Content-Length above the limit is refused before
 * reading, and a chunked body is cut off the moment it crosses it, so a client cannot make
 * the coordinator hold an unbounded body in memory (memory exhaustion).
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  } catch (err) {
    throw new PhasegateError('invalid_body', `body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(limit: number): PhasegateError {
  return new PhasegateError('body_too_large', `request body exceeds ${limit} bytes`);
}
