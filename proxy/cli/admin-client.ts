/**
 * A small HTTP client for the coordinator's admin routes (SPEC §7), used by `task`,
 * `approve` and `reject`. Independent of the SDK: it speaks plain fetch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalRecord, NewTask, TaskRecord } from '../../core/coordinator/types.js';
import { statePathsFor } from '../wrapper/state-dir.js';

export const DEFAULT_COORDINATOR_URL = 'http://127.0.0.1:8000';

/** A refusal from the coordinator (`reason` from its error body) or a transport failure (`coordinator_unavailable`). */
export class AdminRequestError extends Error {
  override readonly name = 'AdminRequestError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminClient {
  createTask(task: NewTask): Promise<TaskRecord>;
  listTasks(): Promise<TaskRecord[]>;
  getTask(id: string): Promise<TaskRecord>;
  listApprovals(status?: ApprovalRecord['status'] | 'all'): Promise<ApprovalRecord[]>;
  approve(id: string, note?: string): Promise<ApprovalRecord>;
  reject(id: string, reason: string): Promise<ApprovalRecord>;
}

export function createAdminClient(opts: { url: string; key: string; timeoutMs?: number }): AdminClient {
  const base = opts.url.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${opts.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new AdminRequestError(0, 'coordinator_unavailable', `cannot reach coordinator at ${base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AdminRequestError(res.status, 'internal_error', `coordinator answered ${res.status} with a non-JSON body`);
    }
    if (!res.ok) {
      const error = (json as { error?: { reason?: string; message?: string } }).error;
      throw new AdminRequestError(res.status, error?.reason ?? 'internal_error', error?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }
  const enc = encodeURIComponent;
  return {
    createTask: async (task) => (await call<{ task: TaskRecord }>('POST', '/api/v1/tasks', task)).task,
    listTasks: async () => (await call<{ tasks: TaskRecord[] }>('GET', '/api/v1/tasks')).tasks,
    getTask: async (id) => (await call<{ task: TaskRecord }>('GET', `/api/v1/tasks/${enc(id)}`)).task,
    listApprovals: async (status = 'pending') => (await call<{ approvals: ApprovalRecord[] }>('GET', `/api/v1/approvals?status=${status}`)).approvals,
    approve: async (id, note) => (await call<{ approval: ApprovalRecord }>('POST', `/api/v1/approvals/${enc(id)}/approve`, note === undefined ? {} : { note })).approval,
    reject: async (id, reason) => (await call<{ approval: ApprovalRecord }>('POST', `/api/v1/approvals/${enc(id)}/reject`, { reason })).approval,
  };
}

/**
 * The admin key: `PHASEGATE_ADMIN_KEY`, else the key file a local coordinator generated in
 * `.phasegate/admin.key` (relative to `cwd`), else the one of the embedded coordinator of a
 * `phasegate run` on `cwd` (in its state dir). Undefined when none exists.
 */
export function resolveAdminKey(env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  const fromEnv = env.PHASEGATE_ADMIN_KEY;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const stateKey = statePathsFor(cwd, env)?.adminKeyFile;
  for (const file of [join(cwd, '.phasegate', 'admin.key'), ...(stateKey === undefined ? [] : [stateKey])]) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      // next place
    }
  }
  return undefined;
}

/* Shared plumbing of the admin commands (`task`, `approve`, `reject`). */

export const ADMIN_FLAGS = {
  coordinator: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const ADMIN_USAGE_TAIL = `  --coordinator URL  coordinator to talk to (default ${DEFAULT_COORDINATOR_URL})
  --json             machine-readable output
The admin key comes from PHASEGATE_ADMIN_KEY, else from .phasegate/admin.key in this folder,
else from the state dir of a \`phasegate run\` on this folder (coordinator/admin.key).`;

export function adminClientFor(url: string | undefined): AdminClient {
  const key = resolveAdminKey(process.env);
  if (key === undefined) throw new Error('no admin key: set PHASEGATE_ADMIN_KEY (or run where .phasegate/admin.key exists)');
  return createAdminClient({ url: url ?? DEFAULT_COORDINATOR_URL, key });
}

/** Runs an admin action; a coordinator refusal prints `reason: message` on stderr and exits 1. */
export async function runAdmin(name: string, action: () => Promise<void>): Promise<number> {
  try {
    await action();
    return 0;
  } catch (err) {
    if (!(err instanceof AdminRequestError)) throw err;
    process.stderr.write(`phasegate ${name}: ${err.reason}: ${err.message}\n`);
    return 1;
  }
}
