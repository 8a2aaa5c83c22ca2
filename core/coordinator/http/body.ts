/** Reads a JSON request body with a size limit, before anything parses it. */
import type { IncomingMessage } from 'node:http';
import { PhasegateError } from '../../errors.js';

/**
 * Buffers at most `limit` bytes: a declared Content-Length above the limit is refused before
 * reading, and a chunked body is refused the moment it crosses the limit (later chunks are
 * discarded, never kept), so a client cannot make the coordinator hold an unbounded body in
 * memory (memory exhaustion). The request stream is not destroyed, so the 413 can still be sent.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => reject(err));
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown);
      } catch (err) {
        reject(new PhasegateError('invalid_body', `body is not valid JSON: ${(err as Error).message}`));
      }
    });
  });
}

function tooLarge(limit: number): PhasegateError {
  return new PhasegateError('body_too_large', `request body exceeds ${limit} bytes`);
}
