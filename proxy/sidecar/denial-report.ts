/**
 * Sends the sidecar's refusals to the coordinator's denials feed, in batches, off the hot
 * path: a denied call's audit record is only pushed onto a queue, and only the timer sends.
 * The queue is bounded, so an agent flooding refusals costs at most `maxQueued / intervalMs`
 * reports (a few requests per interval), never a request per call; past the bound the oldest
 * reports are dropped (the audit log keeps every refusal regardless).
 */
import type { DenialReport } from '../../core/coordinator/denial-feed.js';
import type { Logger } from '../../core/log.js';
import type { AuditDigest, AuditEntry, AuditLog, AuditRecord } from '../audit/types.js';

/** The coordinator refuses longer values; they are shortened here so one long path cannot lose a batch. */
const MAX = { id: 200, tool: 200, path: 1000 } as const;
const REASON = /^[a-z][a-z0-9_]{0,63}$/;

export interface DenialReporter {
  /** The same log, with every `deny` record it writes also queued for the coordinator. */
  observe(log: AuditLog): AuditLog;
  /** Sends what is queued now (one request in flight at a time). */
  flush(): Promise<void>;
  /** Stops the timer and sends what is left, once. */
  close(): Promise<void>;
}

export interface DenialReporterOptions {
  readonly send: (batch: readonly DenialReport[]) => Promise<void>;
  readonly logger: Logger;
  /** How often a non-empty queue is sent (default 2 s). */
  readonly intervalMs?: number;
  /** Most reports queued (default 500); most per request (default 100, the coordinator's limit). */
  readonly maxQueued?: number;
  readonly batchSize?: number;
}

export function createDenialReporter(opts: DenialReporterOptions): DenialReporter {
  const { send, logger, intervalMs = 2000, maxQueued = 500, batchSize = 100 } = opts;
  const queue: DenialReport[] = [];
  let dropped = 0;
  let inFlight: Promise<void> | undefined;

  const enqueue = (rec: AuditRecord): void => {
    queue.push(reportOf(rec));
    if (queue.length > maxQueued) dropped += queue.splice(0, queue.length - maxQueued).length;
  };

  async function drain(): Promise<void> {
    // Only what is queued now: under a steady stream of refusals a loop until empty would
    // never stop sending (one request per refusal, the cost this module exists to avoid).
    let budget = queue.length;
    while (budget > 0 && queue.length > 0) {
      const batch = queue.splice(0, Math.min(batchSize, budget));
      budget -= batch.length;
      try {
        await send(batch);
      } catch (err) {
        // Put it back for the next tick; the bound above still holds.
        queue.unshift(...batch.slice(0, Math.max(0, maxQueued - queue.length)));
        logger.warn({ event: 'denial_report_failed', queued: queue.length, err: (err as Error).message }, 'denial_report_failed');
        return;
      }
    }
    if (dropped > 0) logger.warn({ event: 'denial_reports_dropped', dropped }, 'denial_reports_dropped'), (dropped = 0);
  }
  function flush(): Promise<void> {
    return (inFlight ??= drain().finally(() => (inFlight = undefined)));
  }

  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  let closing: Promise<void> | undefined;
  return {
    observe: (log) => {
      const appendNow = (entry: AuditEntry): AuditRecord => {
        const rec = log.appendNow(entry);
        if (entry.decision === 'deny' && entry.type === 'call') enqueue(rec);
        return rec;
      };
      // One path for both: the record is written, and a denied call's also queued (allowed calls pay one comparison).
      return {
        append: async (entry) => appendNow(entry),
        appendNow,
        head: () => log.head(),
        close: () => log.close(),
      };
    },
    flush,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        await inFlight;
        await flush();
      })()),
  };
}

function reportOf(rec: AuditRecord): DenialReport {
  const args = typeof rec.args === 'object' && rec.args !== null ? (rec.args as Record<string, unknown>) : {};
  const target = typeof args.path === 'string' ? args.path : typeof args.command === 'string' ? args.command : null;
  return {
    ts: rec.ts,
    agent_id: cut(rec.agent_id, MAX.id) ?? 'unknown',
    task_id: cut(rec.task_id, MAX.id),
    phase: cut(rec.phase, MAX.id),
    tool: cut(rec.tool, MAX.tool),
    path: cut(target, MAX.path),
    reason: typeof rec.reason === 'string' && REASON.test(rec.reason) ? rec.reason : 'denied',
    audit_seq: rec.seq,
  };
}

/**
 * Shortened to `max` characters; empty strings become null (the coordinator wants non-empty or
 * null). A field the audit log bounded to `{sha256, bytes}` (over 4 KiB) is named by its digest.
 */
function cut(s: string | AuditDigest | null, max: number): string | null {
  if (s !== null && typeof s === 'object') return `sha256:${s.sha256.slice(0, 16)}… (${s.bytes} bytes)`;
  if (s === null || s === '') return null;
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
