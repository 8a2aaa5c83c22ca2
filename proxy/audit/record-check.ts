import { canonicalJson } from '../../core/contract/canonical-json.js';
import { hashRecord, isHashHex } from './chain.js';
import type { AuditRecord } from './types.js';

/** Why verify rejected a line: stable codes, asserted by tests and printed by the CLI. */
export type VerifyProblem =
  | 'invalid_json'
  | 'invalid_record'
  | 'hash_mismatch'
  | 'not_canonical'
  | 'seq_mismatch'
  | 'prev_mismatch'
  | 'checkpoint_mismatch'
  | 'checkpoint_not_reached';

export interface LineProblem {
  readonly problem: VerifyProblem;
  readonly detail: string;
}

const FIELDS = [
  'seq', 'ts', 'type', 'call_id', 'agent_id', 'task_id', 'phase', 'tool', 'args',
  'decision', 'reason', 'result', 'duration_us', 'prev', 'hash',
] as const;
const TYPES = new Set(['call', 'result', 'change', 'transition', 'session']);

function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const missing = FIELDS.find((field) => !(field in record));
  if (missing !== undefined) return `missing "${missing}"`;
  if (!Number.isSafeInteger(record.seq) || (record.seq as number) < 1) return '"seq" is not a positive integer';
  if (!isHashHex(record.prev) || !isHashHex(record.hash)) return '"prev"/"hash" is not 64 hex digits';
  if (typeof record.ts !== 'string' || !TYPES.has(record.type as string)) return 'bad "ts" or "type"';
  return undefined;
}

/**
 * Checks one line on its own: JSON, shape, its hash, and that its bytes are exactly the
 * canonical encoding (so even a change that JSON.parse would hide, such as a duplicate key
 * or an escaped character, is caught).
 */
export function checkLine(text: string): AuditRecord | LineProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'invalid_json', detail: 'line is not JSON' };
  }
  const shape = shapeProblem(value);
  if (shape !== undefined) return { problem: 'invalid_record', detail: shape };
  const record = value as AuditRecord;
  const hash = hashRecord(record as unknown as Record<string, unknown>);
  if (hash !== record.hash) return { problem: 'hash_mismatch', detail: `record hashes to ${hash}, line says ${record.hash}` };
  if (canonicalJson(record) !== text) return { problem: 'not_canonical', detail: 'line is not the canonical encoding of its record' };
  return record;
}

export function isProblem(value: AuditRecord | LineProblem): value is LineProblem {
  return 'problem' in value && 'detail' in value && !('seq' in value);
}
