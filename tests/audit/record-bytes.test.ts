import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../core/contract/canonical-json.js';
import { GENESIS, hashRecord } from '../../proxy/audit/index.js';
import { sealRecord } from '../../proxy/audit/chain.js';
import { redactArgs, redactArgsJson } from '../../proxy/audit/redact.js';
import type { AuditRecord } from '../../proxy/audit/types.js';

/** The generic definition SPEC §9 names: every object's keys sorted, recursively, no whitespace. */
function referenceCanonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${referenceCanonical(record[key])}`);
  return `{${members.join(',')}}`;
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '"', '\\', '\u2028', '\u0000', 'ä'));
const nullable = fc.option(text, { nil: null });
/** Nested args as an agent could send them, with keys in any order (incl. ones that sort before/after others). */
const args = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.oneof(text, fc.constantFrom('path', 'content', 'token', '10', '9', 'a', 'B')), fc.jsonValue()),
);

const unsealedRecord = fc.record({
  seq: fc.nat(),
  ts: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
  type: fc.constantFrom('call', 'result', 'transition', 'session') as fc.Arbitrary<AuditRecord['type']>,
  call_id: nullable,
  agent_id: text,
  task_id: nullable,
  phase: nullable,
  tool: nullable,
  args,
  decision: fc.constantFrom(null, 'allow', 'deny', 'would_deny') as fc.Arbitrary<AuditRecord['decision']>,
  reason: nullable,
  result: fc.option(fc.record({ ok: fc.boolean(), bytes: fc.nat(), exit_code: fc.integer(), error: text }, { requiredKeys: ['ok'] }), { nil: null }),
  duration_us: fc.option(fc.nat(), { nil: null }),
  prev: fc.constantFrom(GENESIS, 'a'.repeat(64)),
});

describe('audit record bytes: the fixed-order serializer is the canonical serialization', () => {
  it('canonicalJson equals the generic sort-every-object definition on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonical(value));
      }), { numRuns: 500 });
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined, { z: 1, y: [] }] })).toBe(referenceCanonical({ b: 1, a: undefined, c: [undefined, { z: 1, y: [] }] }));
  });

  it('the hashed bytes are canonicalJson of the record without hash, and the line adds only the hash member', () => {
    fc.assert(
      fc.property(unsealedRecord, (u) => {
        const redacted = { ...u, args: redactArgs(u.tool, u.args) };
        const { record, line } = sealRecord(redacted, redactArgsJson(u.tool, u.args).json);
        const canonical = referenceCanonical(redacted);
        expect(record.hash).toBe(sha256Hex(canonical));
        expect(record.hash).toBe(hashRecord(redacted));
        expect(line).toBe(`${referenceCanonical({ ...redacted, hash: record.hash })}\n`);
        expect(JSON.parse(line)).toEqual(JSON.parse(referenceCanonical(record)));
      }),
      { numRuns: 500 },
    );
  });

  it('sealRecord without a pre-serialized args text gives the same bytes', () => {
    fc.assert(
      fc.property(unsealedRecord, (u) => {
        expect(sealRecord(u).line).toBe(`${referenceCanonical({ ...u, hash: sha256Hex(referenceCanonical(u)) })}\n`);
      }),
      { numRuns: 300 },
    );
  });
});
