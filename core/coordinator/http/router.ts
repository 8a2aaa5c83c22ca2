/** Route templates (`/api/v1/tasks/:id`) matched segment by segment; the template is the metrics label. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Access, Role } from './auth.js';

export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly role: Role | null;
  /** Reads and parses the JSON body (size-limited); `undefined` when empty. */
  body(): Promise<unknown>;
}

export interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  /** Extra response headers (e.g. `Set-Cookie`, the dashboard's Content-Security-Policy). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly access: Access;
  handle(ctx: RouteContext): Promise<Reply> | Reply;
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Builds a matcher; literal segments win over `:params` so `/tasks/claim` is never read as a task id. */
export function createRouter(routes: readonly Route[]): (method: string, pathname: string) => RouteMatch | null {
  const compiled = routes
    .map((route) => ({ route, segments: route.path.split('/').slice(1) }))
    .sort((a, b) => paramCount(a.segments) - paramCount(b.segments));
  return (method, pathname) => {
    const parts = pathname.split('/').slice(1);
    for (const { route, segments } of compiled) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params = matchSegments(segments, parts);
      if (params !== null) return { route, params };
    }
    return null;
  };
}

function paramCount(segments: readonly string[]): number {
  return segments.filter((s) => s.startsWith(':')).length;
}

function matchSegments(segments: readonly string[], parts: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const part = parts[i] as string;
    if (seg.startsWith(':')) {
      if (part === '') return null;
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        return null;
      }
    } else if (seg !== part) {
      return null;
    }
  }
  return params;
}
