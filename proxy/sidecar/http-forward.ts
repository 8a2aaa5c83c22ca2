/**
 * Forwards the agent's coordinator calls (SPEC §5 HTTP surface) with http-proxy. The body is
 * buffered, checked and rebuilt: the agent id is this sidecar's, the evidence is what this
 * sidecar recorded, and the token must be this session's — whatever the agent sent. The reply
 * is observed on its way back so the session follows claims, transitions and refreshes made
 * over HTTP exactly as over WebSocket.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import httpProxy from 'http-proxy';
import { PhasegateError } from '../../core/errors.js';
import type { ClaimResponse, TransitionResponse } from '../../core/coordinator/types.js';
import { adoptClaim, grantedCapabilities, parseClaimParams } from './claim.js';
import type { SidecarContext } from './context.js';
import { readJsonBody } from './http-body.js';
import { sendError, sendJson } from './http-reply.js';
import { loseLease } from './lease.js';
import { adoptFreshToken } from './phase-sync.js';
import { sessionClaims } from './token-check.js';
import { adoptTransition, collectEvidence, parseTransitionParams } from './transition.js';

/** What to do with the coordinator's (status, JSON body) before it goes back to the agent. */
type Observer = (status: number, body: unknown) => Promise<void>;
type Prepared = { body?: unknown; phaseToken?: string; observe?: Observer };

export const FORWARDED_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/tasks/claim',
  'POST /api/v1/tasks/transition',
  'POST /api/v1/tokens/refresh',
  'GET /api/v1/state/snapshot',
]);

export interface Forwarder {
  forward(route: string, req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): void;
}

export function createForwarder(ctx: SidecarContext, opts: { coordinatorUrl: string; sidecarKey: string }): Forwarder {
  const proxy = httpProxy.createProxyServer({ target: opts.coordinatorUrl, changeOrigin: true, selfHandleResponse: true, proxyTimeout: 5_000 });
  const observers = new WeakMap<IncomingMessage, Observer>();

  proxy.on('proxyRes', (proxyRes, req, res) => {
    const chunks: Buffer[] = [];
    proxyRes.on('data', (c: Buffer) => chunks.push(c));
    proxyRes.on('end', () => {
      const text = Buffer.concat(chunks);
      const status = proxyRes.statusCode ?? 502;
      let body: unknown;
      try {
        body = JSON.parse(text.toString('utf8'));
      } catch {
        body = undefined;
      }
      const observe = observers.get(req);
      const observed = observe === undefined ? Promise.resolve() : observe(status, body);
      observed
        .catch((err: unknown) => ctx.logger.warn({ event: 'forward_observe_failed', err: (err as Error).message }, 'forward_observe_failed'))
        .finally(() => {
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
          res.end(text);
        });
    });
  });

  const prepare = async (route: string, req: IncomingMessage, preRead: { raw: unknown } | undefined): Promise<Prepared> => {
    if (route === 'GET /api/v1/state/snapshot') {
      const token = req.headers['x-phase-token'];
      await sessionClaims(ctx, token, { allowPaused: true });
      return { phaseToken: token as string };
    }
    const raw = preRead === undefined ? await readJsonBody(req, ctx.bodies) : preRead.raw;
    if (route === 'POST /api/v1/tasks/claim') {
      // The agent's agent_id (if any) is dropped: a claim always names this sidecar's agent.
      const params = parseClaimParams(raw);
      const observe: Observer = async (status, reply) => {
        if (status === 200) await adoptClaim(ctx, reply as ClaimResponse);
      };
      // Capabilities too: the operator's grant, narrowed at most by what the agent asked for.
      return { body: { ...(params.task_id === undefined ? {} : { task_id: params.task_id }), capabilities: grantedCapabilities(ctx, params.capabilities), agent_id: ctx.agentId }, observe };
    }
    const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    if (route === 'POST /api/v1/tokens/refresh') {
      await sessionClaims(ctx, obj.phase_token, { allowEarlierPhase: true, allowPaused: true });
      const observe: Observer = async (status, reply) => {
        if (status === 200) await adoptFreshToken(ctx, (reply as { phase_token: string }).phase_token);
      };
      return { body: { phase_token: obj.phase_token }, observe };
    }
    // Transition: token checked locally, evidence replaced with our own.
    const params = parseTransitionParams({ token: obj.phase_token, target_phase: obj.target_phase, artifacts: obj.artifacts });
    const claims = await sessionClaims(ctx, params.token);
    const evidence = await collectEvidence(ctx);
    const body = { current_phase: claims.phase, target_phase: params.target_phase, phase_token: params.token, artifacts: params.artifacts, evidence };
    return {
      body,
      observe: async (status, reply) => {
        if (status === 200) await adoptTransition(ctx, claims.phase, params.target_phase, reply as TransitionResponse, evidence);
        const reason = (reply as { error?: { reason?: string } } | undefined)?.error?.reason;
        if (reason === 'lease_lost' || reason === 'task_not_claimed') loseLease(ctx, 'coordinator refused the claim');
      },
    };
  };

  const forwardOne = async (route: string, req: IncomingMessage, res: ServerResponse, body?: { raw: unknown }): Promise<void> => {
    if (route === 'POST /api/v1/tasks/claim' && replyHeldClaim(ctx, res)) return;
    let prepared: Prepared;
    try {
      prepared = await prepare(route, req, body);
    } catch (err) {
      return sendError(res, err);
    }
    const text = prepared.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(prepared.body));
    // An allow-list of outgoing headers: hop-by-hop headers (RFC 9110 §7.6.1), cookies and the
    // agent's own Authorization never reach the coordinator; the sidecar key replaces the agent key.
    const headers: OutgoingHttpHeaders = { authorization: `Bearer ${opts.sidecarKey}`, accept: 'application/json' };
    if (prepared.body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(text.length) });
    if (prepared.phaseToken !== undefined) headers['x-phase-token'] = prepared.phaseToken;
    req.headers = headers as IncomingMessage['headers'];
    if (prepared.observe !== undefined) observers.set(req, prepared.observe);
    proxy.web(req, res, { buffer: Readable.from([text]) }, () => {
      if (!res.headersSent) sendError(res, new PhasegateError('coordinator_unavailable', `coordinator unreachable at ${opts.coordinatorUrl}`));
    });
  };

  return {
    async forward(route, req, res) {
      if (route !== 'POST /api/v1/tasks/transition') return forwardOne(route, req, res);
      // The body is read before the fence closes: a slowly sent body must not hold up the calls.
      let raw: unknown;
      try {
        raw = await readJsonBody(req, ctx.bodies);
      } catch (err) {
        return sendError(res, err);
      }
      // The phase fence (SPEC §11), held until the answer is adopted and sent.
      return ctx.fence.transition(async () => {
        const done = new Promise<void>((resolve) => res.once('close', () => resolve()));
        await forwardOne(route, req, res, { raw });
        await done;
      });
    },
    close: () => proxy.close(),
  };
}

/** Claim over HTTP while a task is held answers with the held task (idempotent, like `task.claim`). */
function replyHeldClaim(ctx: SidecarContext, res: ServerResponse): boolean {
  const s = ctx.session;
  if ((s.state !== 'active' && s.state !== 'paused') || s.task === undefined || s.token === undefined) return false;
  sendJson(res, 200, { task: s.task, phase_token: s.token, lease_expires_at: s.leaseExpiresAt });
  return true;
}
