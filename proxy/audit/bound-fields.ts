/**
 * SPEC §9: every field of an audit record is bounded, so no call can grow the log by more
 * than a few KiB. Attack stopped: a 7 MiB tool name (or agent id, reason, error detail)
 * copied into the log as is, once per call, filling the disk and every reader's memory.
 * `args` are bounded by redactArgs; this bounds the other string fields the same way.
 */
import { sha256Hex } from '../../core/contract/canonical-json.js';
import type { AuditDigest, AuditRecord } from './types.js';

/** Past this a string is stored as `{sha256, bytes}` (the same limit as strings inside args). */
export const MAX_FIELD_BYTES = 4096;

/** The string itself if short, else its digest. `Buffer.byteLength` only past the cheap length check. */
export function boundString(value: string): string | AuditDigest {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings skip the byte count (the hot path).
  if (value.length * 3 <= MAX_FIELD_BYTES) return value;
  const bytes = Buffer.byteLength(value);
  return bytes <= MAX_FIELD_BYTES ? value : { sha256: sha256Hex(value), bytes };
}

export function bounded<T extends string | AuditDigest | null>(value: T): T | string | AuditDigest {
  return typeof value === 'string' ? boundString(value) : value;
}

type Unsealed = Omit<AuditRecord, 'hash'>;

/** A result with its `error` text bounded (the other members are numbers and booleans). */
export function boundResult(result: Unsealed['result']): Unsealed['result'] {
  return result === null || typeof result.error !== 'string' ? result : { ...result, error: bounded(result.error) };
}

/** The record with every free-text field bounded; `args` arrive already bounded by redaction. */
export function boundFields(r: Unsealed): Unsealed {
  return {
    ...r,
    call_id: bounded(r.call_id),
    agent_id: bounded(r.agent_id),
    task_id: bounded(r.task_id),
    phase: bounded(r.phase),
    tool: bounded(r.tool),
    reason: bounded(r.reason),
    result: boundResult(r.result),
  };
}
