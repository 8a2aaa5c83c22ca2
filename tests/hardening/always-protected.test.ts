/** The pure side of SPEC §8 always-protected paths: decide() and checkRealPath() (the change review's seam). */
import { describe, expect, it } from 'vitest';
import { bindPolicy } from '../../core/policy/index.js';
import { NOW, assignment, claimsFor, makeContract } from '../policy/fixture.js';

const contract = { ...makeContract(), protectedGlobs: [] };
const a = assignment('IMPL');
const policy = bindPolicy(contract, a, { contractPaths: ['config/flow.yml'] });
const permissive = bindPolicy(contract, a, { mode: 'permissive', contractPaths: ['config/flow.yml'] });

describe('always protected, even by a contract that protects nothing', () => {
  it.each([
    'tests/x/.git/config',
    '.git',
    '.git/hooks/pre-commit',
    'a/.git',
    'deep/er/.GIT/HEAD',
    'config/flow.yml',
    'Config/Flow.YML',
    'agent_workflow.yaml',
  ])('writing, editing or deleting %s is refused in strict and permissive mode', (path) => {
    for (const p of [policy, permissive]) {
      for (const tool of ['write_file', 'edit_file', 'delete_file']) {
        const d = p.decide(claimsFor(a), { tool, args: { path, content: 'x', old: 'a', new: 'b' } }, NOW);
        expect(d.decision, `${tool} ${path}`).toBe('deny');
        expect(d.reason).toBe('path_not_permitted');
      }
      // The change review decides a file a command changed through checkRealPath / decide alike.
      expect(p.checkRealPath('write_file', path).decision).toBe('deny');
    }
  });
  it.each(['.gitignore', '.github/workflows/ci.yml', 'x.git/y', 'src/git/file.ts', 'config/flow.yml.bak', 'sub/agent_workflow.yaml'])('%s is an ordinary path', (path) => {
    expect(policy.decide(claimsFor(a), { tool: 'write_file', args: { path, content: 'x' } }, NOW).decision).toBe('allow');
  });
  it('reading protected paths stays allowed', () => {
    expect(policy.decide(claimsFor(a), { tool: 'read_file', args: { path: 'tests/x/.git/config' } }, NOW).decision).toBe('allow');
  });
});
