import { canonicalJson, sha256Hex } from '../../core/contract/canonical-json.js';
import type { AuditRecord } from './types.js';

/** The `prev` of the first record ever written (SPEC §9). */
export const GENESIS = '0'.repeat(64);

const HASH_HEX = /^[0-9a-f]{64}$/;

export function isHashHex(value: unknown): value is string {
  return typeof value === 'string' && HASH_HEX.test(value);
}

/**
 * sha256 hex of the record serialized without `hash`, keys sorted recursively, no
 * whitespace (core/contract canonicalJson: the same bytes a verifier in any language gets
 * from RFC 8785-style canonical JSON of plain JSON values).
 */
export function hashRecord(recordWithoutHash: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = recordWithoutHash;
  return sha256Hex(canonicalJson(rest));
}

/** The record's members in sorted order; `hash` goes between `duration_us` and `phase`. */
const BEFORE_HASH = ['agent_id', 'args', 'call_id', 'decision', 'duration_us'] as const;
const AFTER_HASH = ['phase', 'prev', 'reason', 'result', 'seq', 'task_id', 'tool', 'ts', 'type'] as const;

function members(record: Omit<AuditRecord, 'hash'>, keys: readonly (keyof Omit<AuditRecord, 'hash'>)[]): string {
  let out = '';
  for (const key of keys) out += `${out === '' ? '' : ','}"${key}":${canonicalJson(record[key] ?? null)}`;
  return out;
}

/**
 * Computes `hash` and the exact line to write, serializing each member once: the hashed
 * text and the stored line differ only by the `"hash"` member at its sorted place. Absent
 * members are written as null, so the line always carries every SPEC §9 field.
 */
export function sealRecord(unsealed: Omit<AuditRecord, 'hash'>): { record: AuditRecord; line: string } {
  const before = members(unsealed, BEFORE_HASH);
  const after = members(unsealed, AFTER_HASH);
  const hash = sha256Hex(`{${before},${after}}`);
  return { record: { ...unsealed, hash }, line: `{${before},"hash":"${hash}",${after}}\n` };
}
