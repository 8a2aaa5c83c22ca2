/** The denials feed: sidecars report refusals in batches; admins and auditors read the recent ones. */
import type { DenialReport } from '../denial-feed.js';
import { int, invalidField, objectBody, optArray, str, type Json } from './body-fields.js';
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';
import { queryInt } from './routes-read.js';

/** Most reports in one request; the sidecar batches at most this many. */
export const MAX_DENIAL_BATCH = 100;
/** Longest accepted field values (the sidecar shortens longer ones before sending). */
export const DENIAL_FIELD_MAX = { id: 200, tool: 200, path: 1000 } as const;
/** Reasons are stable codes (`path_not_permitted`), never free text. */
const REASON = /^[a-z][a-z0-9_]{0,63}$/;

export function denialRoutes({ denials: feed }: RouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/denials',
      access: ['sidecar'],
      handle: async (ctx) => ({ status: 202, json: { stored: feed.add(parseDenials(await ctx.body())) } }),
    },
    {
      method: 'GET',
      path: '/api/v1/denials',
      access: ['admin', 'auditor'],
      handle: (ctx) => ({ json: feed.list(queryInt(ctx.query, 'since', 0), queryInt(ctx.query, 'limit', 200, 1, 1000)) }),
    },
  ];
}

/** `{denials: [...]}`, every field typed and bounded; one bad entry refuses the whole batch. */
export function parseDenials(body: unknown): DenialReport[] {
  const items = optArray(objectBody(body), 'denials', '', MAX_DENIAL_BATCH);
  if (items === undefined) throw invalidField('denials', `must be an array of at most ${MAX_DENIAL_BATCH} items`);
  return items.map((item, i) => {
    const at = `denials[${i}]`;
    const d = objectBody(item, false, at);
    const reason = str(d, 'reason', at, 64);
    if (!REASON.test(reason)) throw invalidField(`${at}.reason`, 'must be a reason code (lowercase letters, digits, _)');
    const ts = str(d, 'ts', at, 40);
    if (Number.isNaN(Date.parse(ts))) throw invalidField(`${at}.ts`, 'must be an ISO 8601 time');
    return {
      ts,
      agent_id: str(d, 'agent_id', at, DENIAL_FIELD_MAX.id),
      task_id: nullableStr(d, 'task_id', at, DENIAL_FIELD_MAX.id),
      phase: nullableStr(d, 'phase', at, DENIAL_FIELD_MAX.id),
      tool: nullableStr(d, 'tool', at, DENIAL_FIELD_MAX.tool),
      path: nullableStr(d, 'path', at, DENIAL_FIELD_MAX.path),
      reason,
      audit_seq: int(d, 'audit_seq', at),
    };
  });
}

function nullableStr(obj: Json, key: string, at: string, max: number): string | null {
  return obj[key] === null || obj[key] === undefined ? null : str(obj, key, at, max);
}
