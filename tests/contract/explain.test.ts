import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { explainContract, loadContract, packageRoot, parseContract } from '../../core/contract/index.js';
import { MINIMAL } from './fixtures.js';

const contract = loadContract(join(packageRoot(), 'agent_workflow.yaml'));

describe('explainContract', () => {
  test('mentions every phase of every workflow, and each phase\'s tools', () => {
    const text = explainContract(contract);
    for (const wf of contract.workflows.values()) {
      expect(text).toContain(`# Workflow "${wf.name}"`);
      for (const phase of wf.phases.values()) {
        expect(text).toContain(`## Phase ${phase.name}`);
        for (const tool of phase.allowed) expect(text).toContain(`\`${tool}\``);
      }
    }
  });

  test('states constraints, protected files, required fields, checks and approval', () => {
    const text = explainContract(contract, { workflow: 'default' });
    expect(text).toContain('`docs/plans/**`');
    expect(text).toContain('`.git/**`');
    expect(text).toContain('acceptance_criteria (array)');
    expect(text).toContain('verdict (one of approve|request_changes)');
    expect(text).toContain('(`tests_unchanged`)');
    expect(text).toMatch(/human must approve/);
    expect(text).not.toContain('# Workflow "review"');
  });

  test('--phase narrows to that phase', () => {
    const text = explainContract(contract, { workflow: 'default', phase: 'TDD' });
    expect(text).toContain('## Phase TDD');
    expect(text).not.toContain('## Phase PLAN');
    expect(text).toContain('To move from TDD to IMPL');
  });

  test('unknown workflow or phase is a RangeError', () => {
    expect(() => explainContract(contract, { workflow: 'nope' })).toThrow(RangeError);
    expect(() => explainContract(contract, { phase: 'NOPE' })).toThrow(RangeError);
  });

  test('permissive mode is said plainly', () => {
    const permissive = parseContract(MINIMAL.replace('version: 1', 'version: 1\nenforcement: {mode: permissive}'), 'c.yaml');
    expect(explainContract(permissive)).toMatch(/permissive/);
  });
});
