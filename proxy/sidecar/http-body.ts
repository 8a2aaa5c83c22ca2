/** Reads a small JSON request body with a size cap, its bytes counted against the sidecar-wide budget. */
import type { IncomingMessage } from 'node:http';
import { readBoundedBody } from '../../core/coordinator/http/bounded-body.js';
import { PhasegateError } from '../../core/errors.js';
import type { BodyBudget } from './body-budget.js';

/** Claims, transitions and tool calls are small; 8 MiB matches the WebSocket frame limit. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, budget?: BodyBudget, limit = MAX_BODY_BYTES): Promise<unknown> {
  const body = await readBoundedBody(req, {
    limit,
    tooLarge: () => new PhasegateError('invalid_request', `body larger than ${limit} bytes`),
    ...(budget === undefined
      ? {}
      : { budget, overBudget: () => new PhasegateError('limit_exceeded', `request bodies in memory exceed this sidecar's budget (${budget.max} bytes); retry later`) }),
    cutShort: () => new PhasegateError('invalid_request', 'the request ended before its body did'),
  });
  if (body === undefined) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new PhasegateError('parse_error', 'body is not valid JSON');
  }
}
