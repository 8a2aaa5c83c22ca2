/**
 * Recent tool-call refusals reported by sidecars, for the dashboard's denials feed. Kept in
 * memory and capped: the contents come from agents (a tool name or path is whatever the
 * agent sent), so a busy or hostile agent can only push older entries out, never grow the
 * coordinator. The audit log, not this feed, is the record of what was refused.
 */

/** One refusal as a sidecar reported it; every string is bounded by the route that accepts it. */
export interface DenialReport {
  readonly ts: string;
  readonly agent_id: string;
  readonly task_id: string | null;
  readonly phase: string | null;
  readonly tool: string | null;
  readonly path: string | null;
  readonly reason: string;
  readonly audit_seq: number;
}

/** A stored refusal: the report plus the coordinator's own id and receive time. */
export interface Denial extends DenialReport {
  readonly id: number;
  readonly received_at: string;
}

export interface DenialFeed {
  /** Stores a batch; returns how many were stored (all of them: old ones fall off the end). */
  add(reports: readonly DenialReport[]): number;
  /**
   * Denials with id > since, oldest first, at most `limit`; `next` is the id to pass back,
   * `head` the newest id (below `since` after a coordinator restart: start again from 0).
   */
  list(since: number, limit: number): { denials: Denial[]; next: number; head: number };
}

export const DEFAULT_DENIAL_CAP = 1000;

export function createDenialFeed(opts: { cap?: number; now?: () => number } = {}): DenialFeed {
  const cap = opts.cap ?? DEFAULT_DENIAL_CAP;
  const now = opts.now ?? Date.now;
  if (!Number.isSafeInteger(cap) || cap <= 0) throw new TypeError('"cap" must be a positive integer');
  const ring: Denial[] = [];
  let lastId = 0;
  return {
    add(reports) {
      const received_at = new Date(now()).toISOString();
      for (const r of reports) ring.push({ ...r, id: ++lastId, received_at });
      if (ring.length > cap) ring.splice(0, ring.length - cap);
      return reports.length;
    },
    list(since, limit) {
      // Ids are consecutive, so the first wanted entry's index is arithmetic, not a search.
      const firstId = ring[0]?.id ?? lastId + 1;
      const start = Math.max(0, since + 1 - firstId);
      const denials = ring.slice(start, start + limit);
      return { denials, next: denials.at(-1)?.id ?? Math.max(since, firstId - 1), head: lastId };
    },
  };
}
