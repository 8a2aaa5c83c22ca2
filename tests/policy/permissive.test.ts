import { describe, expect, it } from 'vitest';
import { bindPolicy } from '../../core/policy/index.js';
import type { ToolCall } from '../../core/policy/index.js';
import { assignment, claimsFor, makeContract, NOW } from './fixture.js';

const perm = (phase: string) => bindPolicy(makeContract('permissive'), assignment(phase));
const decide = (phase: string, call: ToolCall, over = {}) => perm(phase).decide(claimsFor(assignment(phase), over), call, NOW);

describe('permissive mode', () => {
  it('turns contract refusals into would_deny with the reason, path and argv', () => {
    expect(decide('PLAN', { tool: 'delete_file', args: { path: 'a' } })).toMatchObject({ decision: 'would_deny', reason: 'tool_forbidden', path: 'a' });
    expect(decide('REVIEW', { tool: 'run_tests', args: {} })).toMatchObject({ decision: 'would_deny', reason: 'tool_not_allowed' });
    expect(decide('TDD', { tool: 'write_file', args: { path: 'src/a.ts', content: '' } })).toMatchObject({ decision: 'would_deny', reason: 'path_not_permitted', path: 'src/a.ts' });
    expect(decide('TDD', { tool: 'run_command', args: { command: 'git push' } })).toMatchObject({ decision: 'would_deny', reason: 'command_not_permitted', argv: ['git', 'push'] });
  });

  it('the contract mode can be overridden both ways by opts.mode', () => {
    const call = { tool: 'write_file', args: { path: 'src/a.ts', content: '' } };
    const strict = bindPolicy(makeContract('permissive'), assignment('TDD'), { mode: 'strict' });
    expect(strict.decide(claimsFor(assignment('TDD')), call, NOW).decision).toBe('deny');
    const loose = bindPolicy(makeContract('strict'), assignment('TDD'), { mode: 'permissive' });
    expect(loose.decide(claimsFor(assignment('TDD')), call, NOW).decision).toBe('would_deny');
  });

  it('still denies token problems, escapes, shell operators, protected paths, bad params and unknown tools', () => {
    const read = { tool: 'read_file', args: { path: 'a' } };
    expect(decide('TDD', read, { exp: NOW }).decision).toBe('deny');
    expect(decide('TDD', read, { epoch: 1 }).decision).toBe('deny');
    expect(decide('TDD', read, { sub: 'other' }).decision).toBe('deny');
    expect(decide('TDD', { tool: 'read_file', args: { path: '../x' } })).toMatchObject({ decision: 'deny', reason: 'path_outside_workspace' });
    expect(decide('TDD', { tool: 'run_command', args: { command: 'git push; id' } })).toMatchObject({ decision: 'deny', reason: 'shell_operator' });
    expect(decide('IMPL', { tool: 'write_file', args: { path: '.git/config', content: '' } })).toMatchObject({ decision: 'deny', reason: 'path_not_permitted' });
    expect(decide('TDD', { tool: 'write_file', args: { path: 'a' } })).toMatchObject({ decision: 'deny', reason: 'invalid_params' });
    expect(decide('TDD', { tool: 'format_disk', args: {} })).toMatchObject({ decision: 'deny', reason: 'tool_not_allowed' });
  });

  it('a soft refusal does not hide a later hard one', () => {
    // run_command is forbidden in PLAN (soft), but the shell operator still denies outright.
    expect(decide('PLAN', { tool: 'run_command', args: { command: 'ls | sh' } })).toMatchObject({ decision: 'deny', reason: 'shell_operator' });
    expect(decide('PLAN', { tool: 'delete_file', args: { path: '../../etc/passwd' } })).toMatchObject({ decision: 'deny', reason: 'path_outside_workspace' });
    expect(decide('REVIEW', { tool: 'write_file', args: { path: 'package.json', content: '' } })).toMatchObject({ decision: 'deny', reason: 'path_not_permitted' });
  });
});

describe('checkRealPath (after symlink resolution)', () => {
  const strict = bindPolicy(makeContract(), assignment('TDD'));
  it('re-applies the globs to the real target: tests/link → src/a.ts is refused', () => {
    expect(strict.checkRealPath('write_file', 'src/a.ts')).toMatchObject({ decision: 'deny', reason: 'path_not_permitted' });
    expect(strict.checkRealPath('write_file', 'tests/real.test.ts')).toEqual({ decision: 'allow', path: 'tests/real.test.ts' });
    expect(strict.checkRealPath('read_file', 'secrets/k')).toMatchObject({ reason: 'path_not_permitted' });
  });
  it('refuses a real path that is protected or leaves the root', () => {
    const impl = bindPolicy(makeContract('permissive'), assignment('IMPL'));
    expect(impl.checkRealPath('write_file', '.git/hooks/post-checkout')).toMatchObject({ decision: 'deny', reason: 'path_not_permitted' });
    expect(impl.checkRealPath('read_file', '../outside')).toMatchObject({ decision: 'deny', reason: 'path_outside_workspace' });
    expect(impl.checkRealPath('nope', 'a')).toMatchObject({ decision: 'deny', reason: 'tool_not_allowed' });
  });
  it('in permissive mode a glob refusal of the real path is would_deny', () => {
    const p = bindPolicy(makeContract('permissive'), assignment('TDD'));
    expect(p.checkRealPath('write_file', 'src/a.ts')).toMatchObject({ decision: 'would_deny', reason: 'path_not_permitted', path: 'src/a.ts' });
  });
});
