/** Read-mostly routes: events, audit checkpoints, contract, JWKS, health, metrics. */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { PhasegateError } from '../../errors.js';
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';
import { parseCheckpoint } from './requests.js';

export const MAX_EVENTS_PAGE = 10_000;

/** A non-negative integer query parameter; anything else is a 400 naming the parameter. */
export function queryInt(query: URLSearchParams, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new PhasegateError('invalid_request', `${name} must be an integer in ${min}..${max}`, { path: name });
  }
  return n;
}

export function readRoutes({ service, contract, issuer, metrics }: RouteDeps): Route[] {
  let contractFile: string | undefined; // resolved on first use: the contract file does not change under a running coordinator
  return [
    {
      method: 'GET',
      path: '/api/v1/events',
      access: ['admin', 'sidecar', 'auditor'],
      handle: (ctx) => ({ json: service.events(queryInt(ctx.query, 'since', 0), queryInt(ctx.query, 'limit', 1000, 1, MAX_EVENTS_PAGE)) }),
    },
    {
      method: 'GET',
      path: '/api/v1/checkpoints',
      access: ['admin', 'sidecar', 'auditor'],
      handle: (ctx) => ({ json: { checkpoints: service.checkpoints(ctx.query.get('agent') ?? undefined) } }),
    },
    {
      method: 'POST',
      path: '/api/v1/checkpoints',
      access: ['sidecar'],
      handle: async (ctx) => {
        const checkpoint = parseCheckpoint(await ctx.body());
        await service.recordCheckpoint(checkpoint);
        return { status: 201, json: { checkpoint } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/contract',
      access: ['sidecar', 'admin', 'auditor'],
      // `file` (real path) lets a sidecar on this machine protect the contract under the name it has in its workspace.
      handle: () => ({ json: { contract: contract.doc, sha256: contract.sha256, file: (contractFile ??= realFile(contract.file)) } }),
    },
    { method: 'GET', path: '/.well-known/jwks.json', access: 'anyone', handle: () => ({ json: issuer.jwks() }) },
    { method: 'GET', path: '/healthz', access: 'anyone', handle: () => ({ json: { ok: true } }) },
    {
      method: 'GET',
      path: '/metrics',
      access: 'anyone',
      handle: async () => ({ text: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
    },
  ];
}

function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}
