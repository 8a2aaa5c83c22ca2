import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { CompiledArtifact, CompiledTransition, CompiledWorkflow } from '../../core/contract/types.js';
import { validateArtifacts } from '../../core/gates/index.js';

const ajv = new Ajv({ allErrors: true });

function artifact(name: string, schema: object): [string, CompiledArtifact] {
  return [name, { name, schemaFile: `${name}.schema.json`, schema, validate: ajv.compile(schema) }];
}

const workflow: CompiledWorkflow = {
  name: 'default',
  description: '',
  initialPhase: 'PLAN',
  terminalPhases: new Set(['TDD']),
  phases: new Map(),
  transitions: [],
  transitionIndex: new Map(),
  artifacts: new Map([
    artifact('plan', {
      type: 'object',
      additionalProperties: false,
      required: ['summary', 'acceptance_criteria'],
      properties: { summary: { type: 'string', minLength: 1 }, acceptance_criteria: { type: 'array', items: { type: 'string', minLength: 1 } } },
    }),
    artifact('notes', { type: 'object', properties: { text: { type: 'string' } } }),
  ]),
  testGlobs: [],
  testConfig: [],
  lockGlobs: [],
  maxReviewRounds: 3,
  tests: undefined,
};

const transition: CompiledTransition = {
  from: 'PLAN',
  to: 'TDD',
  description: '',
  gate: undefined,
  checks: [],
  requiresArtifacts: ['plan'],
  approval: false,
  lockTests: false,
  spawn: [],
};

const codes = (bs: { code: string }[]) => bs.map((b) => b.code);

describe('validateArtifacts', () => {
  it('passes with every required artifact valid (and a valid optional one)', () => {
    expect(validateArtifacts(workflow, transition, { plan: { summary: 's', acceptance_criteria: ['c'] }, notes: { text: 'x' } })).toEqual([]);
  });

  it('a required artifact missing → artifact_missing with its name as path', () => {
    expect(validateArtifacts(workflow, transition, {})).toEqual([{ code: 'artifact_missing', message: expect.any(String), path: 'plan' }]);
  });

  it('one artifact_invalid blocker per schema error, path = name + instancePath', () => {
    const blockers = validateArtifacts(workflow, transition, { plan: { summary: '', acceptance_criteria: ['ok', 7], extra: 1 } });
    expect(codes(blockers)).toEqual(['artifact_invalid', 'artifact_invalid', 'artifact_invalid']);
    expect(blockers.map((b) => b.path).sort()).toEqual(['plan', 'plan/acceptance_criteria/1', 'plan/summary']);
    expect(blockers.find((b) => b.path === 'plan/summary')?.message).toMatch(/^plan\/summary: /);
  });

  it('an optional declared artifact is validated too', () => {
    const blockers = validateArtifacts(workflow, transition, { plan: { summary: 's', acceptance_criteria: [] }, notes: { text: 3 } });
    expect(blockers.map((b) => [b.code, b.path])).toEqual([['artifact_invalid', 'notes/text']]);
  });

  it('undeclared artifacts → artifact_unknown, including a __proto__ key from JSON', () => {
    const artifacts = JSON.parse('{"plan": {"summary": "s", "acceptance_criteria": []}, "secrets": {}, "__proto__": {}}') as Record<string, unknown>;
    const blockers = validateArtifacts(workflow, transition, artifacts);
    expect(blockers.map((b) => [b.code, b.path])).toEqual([['artifact_unknown', 'secrets'], ['artifact_unknown', '__proto__']]);
  });

  it('reports every problem at once, not the first', () => {
    const t2: CompiledTransition = { ...transition, requiresArtifacts: ['plan', 'notes'] };
    const blockers = validateArtifacts(workflow, t2, { notes: [], bogus: 1 });
    expect(codes(blockers)).toEqual(['artifact_missing', 'artifact_invalid', 'artifact_unknown']);
  });

  it('a required artifact the workflow never declared blocks rather than passes', () => {
    const t3: CompiledTransition = { ...transition, requiresArtifacts: ['ghost'] };
    expect(codes(validateArtifacts(workflow, t3, { ghost: {} }))).toEqual(['artifact_unknown']);
    expect(codes(validateArtifacts(workflow, t3, {}))).toEqual(['artifact_missing']);
  });
});
