import { describe, expect, it } from 'vitest';
import { bindPolicy } from '../../core/policy/index.js';
import { assignment, claimsFor, makeContract, NOW } from './fixture.js';

const contract = makeContract();

describe('phasegate-private paths and contract identity', () => {
  const policy = bindPolicy(contract, assignment('TDD'));
  const claims = claimsFor(assignment('TDD'));
  it.each([
    ['read_file', { path: '.phasegate/coordinator/data.mdb' }],
    ['read_file', { path: '.PhaseGate/audit/tool_audit.jsonl' }],
    ['list_files', { path: '.phasegate' }],
    ['search', { query: 'key', path: '.phasegate/x' }],
  ])('%s of the private .phasegate/ folder is refused in every phase: %j', (tool, args) => {
    expect(policy.decide(claims, { tool, args }, NOW).reason).toBe('path_not_permitted');
  });
  it('a resolved real path inside .phasegate/ is refused too (symlink into the store)', () => {
    expect(policy.checkRealPath('read_file', '.phasegate/audit/tool_audit.jsonl').reason).toBe('path_not_permitted');
  });
  it('permissive mode does not open .phasegate/', () => {
    const loose = bindPolicy(contract, assignment('TDD'), { mode: 'permissive' });
    expect(loose.decide(claims, { tool: 'read_file', args: { path: '.phasegate/x' } }, NOW).decision).toBe('deny');
  });
  it('a token minted under another contract version is superseded', () => {
    const other = claimsFor(assignment('TDD'), { contract: '0'.repeat(64) });
    expect(policy.decide(other, { tool: 'read_file', args: { path: 'src/a.ts' } }, NOW).reason).toBe('token_superseded');
  });
});
