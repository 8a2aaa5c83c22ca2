/** Sidecar routes: claim, transition, heartbeat, release, token refresh, state snapshot. */
import { PhasegateError } from '../../errors.js';
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';
import { parseAgent, parseClaim, parseText, parseToken, parseTransition } from './requests.js';

export function agentRoutes({ service, metrics }: RouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/tasks/claim',
      access: ['sidecar'],
      handle: async (ctx) => {
        const req = parseClaim(await ctx.body());
        const t0 = performance.now();
        try {
          return { json: await service.claim(req) };
        } finally {
          metrics.claimSeconds((performance.now() - t0) / 1000);
        }
      },
    },
    {
      method: 'POST',
      path: '/api/v1/tasks/transition',
      access: ['sidecar'],
      handle: async (ctx) => {
        const res = await service.transition(parseTransition(await ctx.body()));
        metrics.transition(res.allowed ? 'allowed' : res.status === 'awaiting_approval' ? 'awaiting_approval' : 'blocked');
        return { json: res };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/tasks/:id/heartbeat',
      access: ['sidecar'],
      handle: async (ctx) => ({ json: await service.heartbeat(ctx.params.id ?? '', parseAgent(await ctx.body())) }),
    },
    {
      method: 'POST',
      path: '/api/v1/tasks/:id/release',
      access: ['sidecar', 'admin'],
      handle: async (ctx) => {
        // A sidecar may only give back its own claim, so it must say who it is; an admin may release any.
        const body = await ctx.body();
        const agent = ctx.role === 'admin' ? (parseText(body, 'agent_id', false) ?? null) : parseAgent(body);
        return { json: { task: await service.release(ctx.params.id ?? '', agent) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/tokens/refresh',
      access: ['sidecar'],
      handle: async (ctx) => ({ json: { phase_token: await service.refresh(parseToken(await ctx.body())) } }),
    },
    {
      method: 'GET',
      path: '/api/v1/state/snapshot',
      access: ['sidecar'],
      handle: async (ctx) => {
        const token = ctx.headers['x-phase-token'];
        if (typeof token !== 'string' || token === '') throw new PhasegateError('token_missing', 'X-Phase-Token header is required');
        return { json: await service.snapshot(token) };
      },
    },
  ];
}
