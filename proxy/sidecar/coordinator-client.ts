/** The sidecar's HTTP client for the coordinator API (SPEC §7), authenticated with the sidecar key. */
import { PhasegateError, type ReasonCode } from '../../core/errors.js';
import type {
  AuditCheckpoint,
  ClaimRequest,
  ClaimResponse,
  CoordEvent,
  SnapshotResponse,
  TransitionRequest,
  TransitionResponse,
} from '../../core/coordinator/types.js';
import type { DenialReport } from '../../core/coordinator/denial-feed.js';

export interface CoordinatorClient {
  readonly baseUrl: string;
  /** `file`: the real path the coordinator loaded the contract from (absent from older coordinators). */
  contract(): Promise<{ contract: unknown; sha256: string; file?: unknown }>;
  jwks(): Promise<{ keys: object[] }>;
  claim(req: ClaimRequest): Promise<ClaimResponse>;
  transition(req: TransitionRequest): Promise<TransitionResponse>;
  /** Concurrent refreshes of the same token share one request. */
  refresh(token: string): Promise<string>;
  snapshot(token: string): Promise<SnapshotResponse>;
  heartbeat(taskId: string, agentId: string): Promise<{ lease_expires_at: string }>;
  release(taskId: string, agentId: string): Promise<void>;
  checkpoint(cp: AuditCheckpoint): Promise<void>;
  /** Reports a batch of refusals for the dashboard's denials feed. */
  denials(batch: readonly DenialReport[]): Promise<void>;
  events(since: number, limit?: number): Promise<{ events: CoordEvent[]; next: number; head: number }>;
}

export interface CoordinatorClientOptions {
  baseUrl: string;
  sidecarKey: string;
  /** Per-request timeout (default 5 s): a hung coordinator must not hang the agent. */
  timeoutMs?: number;
}

/** Builds the client; throws a TypeError naming a bad option. */
export function createCoordinatorClient(opts: CoordinatorClientOptions): CoordinatorClient {
  const { sidecarKey, timeoutMs = 5_000 } = opts;
  let base: URL;
  try {
    base = new URL(opts.baseUrl);
  } catch {
    throw new TypeError(`"coordinatorUrl" must be a URL, got ${JSON.stringify(opts.baseUrl)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('"coordinatorUrl" must be http(s)');
  if (typeof sidecarKey !== 'string' || sidecarKey.length === 0) throw new TypeError('"sidecarKey" must be a non-empty string');
  const baseUrl = base.href.replace(/\/+$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${sidecarKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // fetch says only "fetch failed": name the URL and the cause (ECONNREFUSED, timeout…).
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const cause = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new PhasegateError('coordinator_unavailable', `coordinator unreachable at ${baseUrl} (${cause}) on ${method} ${path.split('?')[0]}`);
    }
    let payload: unknown;
    try {
      payload = await res.json();
    } catch {
      throw new PhasegateError('coordinator_unavailable', `coordinator sent a non-JSON ${res.status} reply`);
    }
    if (res.ok) return payload as T;
    throw errorFromReply(res.status, payload);
  }

  const refreshing = new Map<string, Promise<string>>();

  return {
    baseUrl,
    contract: () => call('GET', '/api/v1/contract'),
    jwks: () => call('GET', '/.well-known/jwks.json'),
    claim: (req) => call('POST', '/api/v1/tasks/claim', req),
    transition: (req) => call('POST', '/api/v1/tasks/transition', req),
    refresh(token) {
      const shared = refreshing.get(token);
      if (shared !== undefined) return shared;
      const p = call<{ phase_token: string }>('POST', '/api/v1/tokens/refresh', { phase_token: token })
        .then((r) => r.phase_token)
        .finally(() => refreshing.delete(token));
      refreshing.set(token, p);
      return p;
    },
    snapshot: (token) => call('GET', '/api/v1/state/snapshot', undefined, { 'x-phase-token': token }),
    heartbeat: (taskId, agentId) => call('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/heartbeat`, { agent_id: agentId }),
    release: async (taskId, agentId) => {
      await call('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/release`, { agent_id: agentId });
    },
    checkpoint: async (cp) => {
      await call('POST', '/api/v1/checkpoints', cp);
    },
    denials: async (batch) => {
      await call('POST', '/api/v1/denials', { denials: batch });
    },
    events: (since, limit = 1000) => call('GET', `/api/v1/events?since=${since}&limit=${limit}`),
  };
}

/** `{error: {reason, message}}` → PhasegateError(reason); a 5xx or a body without a reason is an unavailable coordinator. */
function errorFromReply(status: number, payload: unknown): PhasegateError {
  const error = (payload as { error?: { reason?: unknown; message?: unknown } } | null)?.error;
  const reason = typeof error?.reason === 'string' ? (error.reason as ReasonCode) : undefined;
  const message = typeof error?.message === 'string' ? error.message : `coordinator replied ${status}`;
  if (reason === undefined || status >= 500) return new PhasegateError('coordinator_unavailable', message, { status });
  return new PhasegateError(reason, message, { status });
}
