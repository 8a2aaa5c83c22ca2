/**
 * Calls to the coordinator from the page. The session cookie rides along by itself (HttpOnly:
 * this script never sees it); every call adds the session's CSRF token, which only a page of
 * this origin can have read.
 */
export const CSRF_HEADER = 'X-Phasegate-CSRF';

export interface Session {
  readonly role: string;
  readonly csrf: string;
  /** The name given at sign-in ('' when none); the coordinator records it with decisions. */
  readonly operator?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = '';
/** Called when any call answers 401: the session is gone, show the sign-in form. */
let onSignedOut: () => void = () => undefined;

export function useSession(s: Session | null, signedOut?: () => void): void {
  csrf = s?.csrf ?? '';
  if (signedOut !== undefined) onSignedOut = signedOut;
}

export async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { [CSRF_HEADER]: csrf };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const payload = (await res.json().catch(() => ({}))) as { error?: { reason?: string; message?: string } };
  if (res.ok) return payload as T;
  if (res.status === 401 && path.startsWith('/api/')) onSignedOut();
  throw new ApiError(res.status, payload.error?.reason ?? 'unknown', payload.error?.message ?? `HTTP ${res.status}`);
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});

/** `/api/v1/tasks/` + an id, with the id encoded (ids come from the coordinator, but never trust a path segment). */
export const path = (prefix: string, id: string, suffix = ''): string => `${prefix}${encodeURIComponent(id)}${suffix}`;
