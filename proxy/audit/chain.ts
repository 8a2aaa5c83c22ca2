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

/**
 * Computes `hash` and the exact line to write, serializing each member once: the hashed
 * text and the stored line differ only by the `"hash"` member inserted at its sorted place.
 */
export function sealRecord(unsealed: Omit<AuditRecord, 'hash'>): { record: AuditRecord; line: string } {
  const source = unsealed as unknown as Record<string, unknown>;
  const keys = Object.keys(source).filter((key) => key !== 'hash' && source[key] !== undefined).sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(source[key])}`);
  const hash = sha256Hex(`{${members.join(',')}}`);
  let at = keys.findIndex((key) => key > 'hash');
  if (at < 0) at = keys.length;
  members.splice(at, 0, `"hash":"${hash}"`);
  return { record: { ...unsealed, hash }, line: `{${members.join(',')}}\n` };
}
