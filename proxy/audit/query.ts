import type { DecisionKind } from '../../core/policy/types.js';
import { listAuditFiles } from './files.js';
import { readLines } from './line-reader.js';
import type { AuditRecord } from './types.js';

export interface AuditFilter {
  readonly agent?: string;
  readonly task?: string;
  readonly tool?: string;
  readonly decision?: DecisionKind;
  /** Record type: call, result, change, transition, session. */
  readonly type?: string;
  readonly phase?: string;
  /** The record's `reason` (a denial's code, a transition's outcome, a session event). */
  readonly reason?: string;
  /** ISO 8601: records with `ts` at or after this instant. */
  readonly since?: string;
}

/**
 * Streams the records of a log directory (or one file) in chain order that match every
 * given field. Reads, never verifies: lines that are not JSON (a torn tail) are skipped;
 * run verifyAudit first to trust what comes out.
 */
export async function* queryAudit(pathOrDir: string, filter: AuditFilter = {}): AsyncGenerator<AuditRecord> {
  const since = filter.since === undefined ? undefined : Date.parse(filter.since);
  if (since !== undefined && Number.isNaN(since)) throw new TypeError(`"since" is not an ISO 8601 time: ${filter.since}`);
  const { files } = await listAuditFiles(pathOrDir);
  for (const file of files) {
    for await (const { text } of readLines(file)) {
      let record: AuditRecord;
      try {
        record = JSON.parse(text) as AuditRecord;
      } catch {
        continue;
      }
      if (matches(record, filter, since)) yield record;
    }
  }
}

function matches(record: AuditRecord, filter: AuditFilter, since: number | undefined): boolean {
  if (record === null || typeof record !== 'object') return false;
  if (filter.agent !== undefined && record.agent_id !== filter.agent) return false;
  if (filter.task !== undefined && record.task_id !== filter.task) return false;
  if (filter.tool !== undefined && record.tool !== filter.tool) return false;
  if (filter.decision !== undefined && record.decision !== filter.decision) return false;
  if (filter.type !== undefined && record.type !== filter.type) return false;
  if (filter.phase !== undefined && record.phase !== filter.phase) return false;
  if (filter.reason !== undefined && record.reason !== filter.reason) return false;
  if (since !== undefined && !(Date.parse(record.ts) >= since)) return false;
  return true;
}
