/** Reads a JSON request body with a size limit, before anything parses it. */
import type { IncomingMessage } from 'node:http';
import { PhasegateError } from '../../errors.js';
import { readBoundedBody } from './bounded-body.js';

/**
 * Buffers at most `limit` bytes (bounded-body.ts), so a client cannot make the coordinator
 * hold an unbounded body in memory (memory exhaustion); the 413 can still be sent.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBoundedBody(req, {
    limit,
    tooLarge: () => new PhasegateError('body_too_large', `request body exceeds ${limit} bytes`),
    cutShort: () => new PhasegateError('invalid_body', 'the request ended before its body did'),
  });
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new PhasegateError('invalid_body', `body is not valid JSON: ${(err as Error).message}`);
  }
}
