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
 * Computes `hash` and the exact line to write. The members are written in a fixed order
 * that IS their sorted order (`hash` sorts between `duration_us` and `phase`), so no key
 * sort runs per record and the hashed text and the stored line share every byte but the
 * `"hash"` member; nested values (args, result) go through canonicalJson. Absent members
 * are written as null, so the line always carries every SPEC §9 field. Equality with
 * `canonicalJson` of the whole record is proved in tests/audit/record-bytes.test.ts.
 */
export function sealRecord(unsealed: Omit<AuditRecord, 'hash'>, argsJson = canonicalJson(unsealed.args ?? null)): { record: AuditRecord; line: string } {
  const u = unsealed;
  const before =
    `{"agent_id":${canonicalJson(u.agent_id)},"args":${argsJson},"call_id":${canonicalJson(u.call_id ?? null)}` +
    `,"decision":${canonicalJson(u.decision ?? null)},"duration_us":${canonicalJson(u.duration_us ?? null)}`;
  const after =
    `"phase":${canonicalJson(u.phase ?? null)},"prev":${canonicalJson(u.prev)},"reason":${canonicalJson(u.reason ?? null)}` +
    `,"result":${canonicalJson(u.result ?? null)},"seq":${canonicalJson(u.seq)},"task_id":${canonicalJson(u.task_id ?? null)}` +
    `,"tool":${canonicalJson(u.tool ?? null)},"ts":${canonicalJson(u.ts)},"type":${canonicalJson(u.type)}}`;
  const hash = sha256Hex(`${before},${after}`);
  const record: AuditRecord = {
    seq: u.seq, ts: u.ts, type: u.type, call_id: u.call_id, agent_id: u.agent_id, task_id: u.task_id, phase: u.phase, tool: u.tool,
    args: u.args, decision: u.decision, reason: u.reason, result: u.result, duration_us: u.duration_us, prev: u.prev, hash,
  };
  return { record, line: `${before},"hash":"${hash}",${after}\n` };
}
