import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonicalJson, canonicalSha256, parseContract, sha256Hex } from '../../core/contract/index.js';
import { MINIMAL } from './fixtures.js';

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

describe('canonicalJson', () => {
  test('sorts keys recursively, keeps array order, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
  });

  test('key order never changes the output, and the output is a fixed point', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('contract sha256', () => {
  const reordered = `# same contract, other order and style
workflows:
  default:
    transitions: [{gate: ready, requires_artifacts: [plan], to: DONE, from: PLAN}]
    phases:
      PLAN: {tools: {forbidden: [delete_file], allowed: [read_file, write_file]}}
      DONE:
        tools: {allowed: [read_file]}
        description: "finished"
    gates: {ready: [has_acceptance_criteria]}
    artifacts: {plan: plan.schema.json}
version: 1
`;

  test('is the sha256 of the canonical JSON, stable across key order, style and comments', () => {
    const a = parseContract(MINIMAL, 'a.yaml');
    expect(a.sha256).toBe(sha256Hex(canonicalJson(a.doc)));
    expect(a.sha256).toBe(canonicalSha256(a.doc));
    expect(parseContract(reordered, 'b.yaml').sha256).toBe(a.sha256);
  });

  test('changes when any value changes', () => {
    const a = parseContract(MINIMAL, 'a.yaml');
    expect(parseContract(MINIMAL.replace('description: finished', 'description: done'), 'a.yaml').sha256).not.toBe(a.sha256);
  });
});
