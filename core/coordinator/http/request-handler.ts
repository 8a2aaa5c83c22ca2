/** Turns one HTTP request into a route call: match, authorize, run, reply, count, log. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { PhasegateError } from '../../errors.js';
import type { Authenticator } from './auth.js';
import { readJsonBody } from './body.js';
import { errorReply } from './error-status.js';
import { closeAfterLinger } from './linger.js';
import type { CoordinatorMetrics } from './metrics.js';
import type { Reply, RouteMatch } from './router.js';

export interface HandlerOptions {
  readonly match: (method: string, pathname: string) => RouteMatch | null;
  readonly auth: Authenticator;
  readonly metrics: CoordinatorMetrics;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
}

export function createRequestHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { match, auth, metrics, logger, bodyLimitBytes } = opts;
  return (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    // Split by hand: `new URL('//host/x', base)` would read a leading `//` as an authority.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const url = { pathname: q < 0 ? raw : raw.slice(0, q), searchParams: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
    const found = match(method, url.pathname);
    const route = found?.route.path ?? 'unmatched';
    void (async (): Promise<Reply> => {
      if (found === null) throw new PhasegateError('not_found', `no route ${method} ${url.pathname}`);
      // Authorize before reading the body: an unauthenticated client cannot make us buffer anything.
      const role = auth.authorize(req.headers, found.route.access);
      let body: Promise<unknown> | undefined;
      return found.route.handle({
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        role,
        body: () => (body ??= readJsonBody(req, bodyLimitBytes)),
      });
    })()
      .then(
        (reply) => send(res, reply),
        (err: unknown) => {
          const { status, body } = errorReply(err);
          if (status === 500) logger.error({ event: 'http_internal_error', route, err }, 'internal error');
          // The rest of an oversized body is discarded for a moment, then the connection closes (linger.ts).
          if (status === 413) closeAfterLinger(req, res);
          send(res, { status, json: body });
        },
      )
      .finally(() => {
        const status = res.statusCode;
        metrics.request(method, route, status);
        logger.debug({ event: 'http_request', method, route, status, duration_ms: round(performance.now() - started) }, 'http_request');
      });
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const payload = reply.text ?? JSON.stringify(reply.json ?? {});
  res.writeHead(reply.status ?? 200, {
    'Content-Type': reply.contentType ?? (reply.text === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
    'Content-Length': Buffer.byteLength(payload),
    // Responses carry task state and keys' decisions: never cache them; never sniff a JSON body as HTML.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // A JSON reply opened directly in a browser can run nothing and be framed by nobody.
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    ...reply.headers,
  });
  res.end(payload);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
