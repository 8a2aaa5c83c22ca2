/**
 * A small HTTP client for the coordinator's admin routes (SPEC §7), used by `task`,
 * `approve` and `reject`. Independent of the SDK: it speaks plain fetch.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { ApprovalDetails } from '../../core/coordinator/http/approval-details.js';
import type { ApprovalRecord, NewTask, TaskRecord } from '../../core/coordinator/types.js';
import { statePathsFor } from '../wrapper/state-dir.js';
import { terminalText } from './terminal-text.js';

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
  showApproval(id: string): Promise<ApprovalDetails>;
  approve(id: string, note?: string): Promise<ApprovalRecord>;
  reject(id: string, reason: string): Promise<ApprovalRecord>;
  release(id: string): Promise<TaskRecord>;
  cancel(id: string, reason: string): Promise<TaskRecord>;
}

/**
 * `operator` is sent as X-Phasegate-Operator and recorded in `decided_by` next to the key's
 * fingerprint (default: the local user name): who pressed approve, not only which key.
 */
export function createAdminClient(opts: { url: string; key: string; timeoutMs?: number; operator?: string }): AdminClient {
  const base = opts.url.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const operator = opts.operator ?? localUser();
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${opts.key}`,
          ...(operator === '' ? {} : { 'x-phasegate-operator': operator }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new AdminRequestError(0, 'coordinator_unavailable', `cannot reach the coordinator at ${base} (${transportCause(err)}); is it running? (--coordinator URL)`);
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
    showApproval: (id) => call<ApprovalDetails>('GET', `/api/v1/approvals/${enc(id)}`),
    release: async (id) => (await call<{ task: TaskRecord }>('POST', `/api/v1/tasks/${enc(id)}/release`, {})).task,
    cancel: async (id, reason) => (await call<{ task: TaskRecord }>('POST', `/api/v1/tasks/${enc(id)}/cancel`, { reason })).task,
  };
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/** fetch says only "fetch failed"; the cause says what (ECONNREFUSED, a DNS failure, the timeout). */
function transportCause(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/**
 * The admin key: `PHASEGATE_ADMIN_KEY`, else the file named by `PHASEGATE_ADMIN_KEY_FILE`
 * (what `phasegate run` prints for its embedded coordinator), else the key file a local
 * coordinator generated in `.phasegate/admin.key` (relative to `cwd`), else the one of the
 * embedded coordinator of a `phasegate run` on `cwd` (in its state dir). Undefined when none exists.
 */
export function resolveAdminKey(env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  return resolveKey(env, 'ADMIN', cwd);
}

/** The same lookup for the read-only auditor key (PHASEGATE_AUDITOR_KEY / _FILE / .phasegate/auditor.key). */
export function resolveAuditorKey(env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  return resolveKey(env, 'AUDITOR', cwd);
}

/**
 * `PHASEGATE_<ROLE>_KEY`, else the file named by `PHASEGATE_<ROLE>_KEY_FILE`; undefined when
 * neither is set. A named file that cannot be read throws, naming the variable and the file.
 */
export function keyFromEnv(env: Readonly<Record<string, string | undefined>>, role: 'ADMIN' | 'AUDITOR'): string | undefined {
  const fromEnv = env[`PHASEGATE_${role}_KEY`];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = env[`PHASEGATE_${role}_KEY_FILE`];
  if (file === undefined || file === '') return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read PHASEGATE_${role}_KEY_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function resolveKey(env: NodeJS.ProcessEnv, role: 'ADMIN' | 'AUDITOR', cwd: string): string | undefined {
  const fromEnv = keyFromEnv(env, role);
  if (fromEnv !== undefined) return fromEnv;
  const name = `${role.toLowerCase()}.key`;
  const state = statePathsFor(cwd, env);
  for (const f of [join(cwd, '.phasegate', name), ...(state === undefined ? [] : [join(state.coordinatorDir, name)])]) {
    try {
      return readFileSync(f, 'utf8').trim();
    } catch {
      // next place
    }
  }
  return undefined;
}

/* Shared plumbing of the admin commands (`task`, `approve`, `reject`, `approvals`). */

export const ADMIN_FLAGS = {
  coordinator: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const ADMIN_USAGE_TAIL = `  --coordinator URL  coordinator to talk to (default ${DEFAULT_COORDINATOR_URL})
  --json             machine-readable output
The admin key comes from PHASEGATE_ADMIN_KEY, else the file PHASEGATE_ADMIN_KEY_FILE names,
else .phasegate/admin.key in this folder, else the state dir of a \`phasegate run\` on this
folder (coordinator/admin.key). Reads (task list/show, approvals) also take the read-only
PHASEGATE_AUDITOR_KEY (or PHASEGATE_AUDITOR_KEY_FILE, …/auditor.key likewise).`;

export const NO_ADMIN_KEY =
  'no admin key: set PHASEGATE_ADMIN_KEY, or PHASEGATE_ADMIN_KEY_FILE to the key file `phasegate run` or `phasegate coordinator` printed, or run where .phasegate/admin.key exists';

/** A client with the admin key; `readOnly` callers may fall back to the auditor key. */
export function adminClientFor(url: string | undefined, opts: { readOnly?: boolean } = {}): AdminClient {
  const key = resolveAdminKey(process.env) ?? (opts.readOnly === true ? resolveAuditorKey(process.env) : undefined);
  if (key === undefined) throw new Error(NO_ADMIN_KEY);
  return createAdminClient({ url: url ?? DEFAULT_COORDINATOR_URL, key });
}

/** Runs an admin action; a coordinator refusal prints `reason: message` on stderr and exits 1. */
export async function runAdmin(name: string, action: () => Promise<void>): Promise<number> {
  try {
    await action();
    return 0;
  } catch (err) {
    if (!(err instanceof AdminRequestError)) throw err;
    process.stderr.write(`phasegate ${name}: ${err.reason}: ${terminalText(err.message)}\n`);
    return 1;
  }
}
