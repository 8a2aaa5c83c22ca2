import { describe, expect, it } from 'vitest';
import { bindPolicy } from '../../core/policy/index.js';
import type { ToolCall } from '../../core/policy/index.js';
import { assignment, claimsFor, makeContract, NOW } from './fixture.js';

const contract = makeContract();
const bound = (phase: string) => bindPolicy(contract, assignment(phase));
const decide = (phase: string, call: ToolCall, over = {}) => bound(phase).decide(claimsFor(assignment(phase), over), call, NOW);
const reasonOf = (phase: string, call: ToolCall, over = {}) => decide(phase, call, over).reason;

describe('decide: token checks come first', () => {
  const call = { tool: 'read_file', args: { path: 'a' } };
  it('token_wrong_task for another task or agent', () => {
    expect(reasonOf('TDD', call, { task_id: 'task-2' })).toBe('token_wrong_task');
    expect(reasonOf('TDD', call, { sub: 'agent-2' })).toBe('token_wrong_task');
  });
  it('token_expired at exp <= now', () => {
    expect(reasonOf('TDD', call, { exp: NOW })).toBe('token_expired');
    expect(reasonOf('TDD', call, { exp: NOW - 1 })).toBe('token_expired');
    expect(reasonOf('TDD', call, { exp: Number.NaN })).toBe('token_expired');
    expect(decide('TDD', call, { exp: NOW + 1 }).decision).toBe('allow');
  });
  it('token_superseded for an earlier phase or claim epoch', () => {
    expect(reasonOf('TDD', call, { phase: 'PLAN' })).toBe('token_superseded');
    expect(reasonOf('TDD', call, { epoch: 2 })).toBe('token_superseded');
  });
  it('checks the token before the tool: a superseded token cannot even learn the tool is forbidden', () => {
    expect(reasonOf('PLAN', { tool: 'run_command', args: { argv: ['ls'] } }, { epoch: 9 })).toBe('token_superseded');
  });
});

describe('decide: tools', () => {
  it('tool_forbidden for a forbidden tool', () => {
    expect(reasonOf('PLAN', { tool: 'delete_file', args: { path: 'a' } })).toBe('tool_forbidden');
  });
  it('tool_not_allowed when the phase does not list it, the token lacks it, or it does not exist', () => {
    expect(reasonOf('REVIEW', { tool: 'run_tests', args: {} })).toBe('tool_not_allowed');
    expect(reasonOf('TDD', { tool: 'run_tests', args: {} }, { allowed_tools: ['read_file'] })).toBe('tool_not_allowed');
    expect(reasonOf('TDD', { tool: 'rm_rf', args: {} })).toBe('tool_not_allowed');
    expect(reasonOf('TDD', { tool: '__proto__', args: {} })).toBe('tool_not_allowed');
  });
  it('allows a listed tool with no path and no constraint', () => {
    expect(decide('TDD', { tool: 'run_tests', args: {} })).toEqual({ decision: 'allow' });
  });
});

describe('decide: invalid_params', () => {
  it.each([
    ['read_file', {}],
    ['read_file', { path: 1 }],
    ['write_file', { path: 'tests/a' }],
    ['write_file', { path: 'tests/a', content: 5 }],
    ['edit_file', { path: 'tests/a', old: 'x' }],
    ['list_files', { path: null }],
    ['list_files', { pattern: 3 }],
    ['search', { path: 'a' }],
    ['run_command', {}],
    ['run_command', { argv: [] }],
    ['run_command', { argv: ['npm', 1] }],
    ['run_command', { argv: ['npm', 'te\0st'] }],
    ['run_command', { argv: 'npm test' }],
    ['run_command', { argv: ['npm', 'test'], command: 'npm test' }],
    ['run_command', { command: '   ' }],
    ['run_command', { argv: ['npm', 'test'], cwd: 1 }],
    ['run_command', { argv: ['npm', 'test'], timeout_ms: -1 }],
    ['run_command', { argv: ['npm', 'test'], timeout_ms: 1.5 }],
  ])('%s %j', (tool, args) => {
    expect(reasonOf('TDD', { tool, args })).toBe('invalid_params');
  });
  it('args that are not an object, or a tool name that is not a string', () => {
    expect(reasonOf('TDD', { tool: 'run_tests', args: null as never })).toBe('invalid_params');
    expect(reasonOf('TDD', { tool: 'run_tests', args: [] as never })).toBe('invalid_params');
    expect(reasonOf('TDD', { tool: 1 as never, args: {} })).toBe('invalid_params');
  });
});

describe('decide: paths', () => {
  it('path_outside_workspace before any glob is looked at', () => {
    for (const path of ['../x', '/etc/passwd', 'tests/../../x', 'a\0b', 'a\\b', 'C:/x', '~/.ssh/id_rsa']) {
      expect(reasonOf('TDD', { tool: 'write_file', args: { path, content: '' } })).toBe('path_outside_workspace');
      expect(reasonOf('TDD', { tool: 'read_file', args: { path } })).toBe('path_outside_workspace');
    }
    expect(reasonOf('TDD', { tool: 'run_command', args: { argv: ['npm', 'test'], cwd: '../..' } })).toBe('path_outside_workspace');
  });
  it('returns the normalized path on allow', () => {
    expect(decide('TDD', { tool: 'write_file', args: { path: './tests/x/../a.test.ts', content: '' } })).toEqual({ decision: 'allow', path: 'tests/a.test.ts' });
    expect(decide('TDD', { tool: 'list_files', args: {} })).toEqual({ decision: 'allow', path: '.' });
  });
  it('path_not_permitted outside the allow-list, and for an explicit empty allow-list', () => {
    expect(reasonOf('TDD', { tool: 'write_file', args: { path: 'src/a.ts', content: '' } })).toBe('path_not_permitted');
    expect(reasonOf('TDD', { tool: 'write_file', args: { path: 'testsuite/a.ts', content: '' } })).toBe('path_not_permitted');
    expect(reasonOf('EMPTY', { tool: 'write_file', args: { path: 'a', content: '' } })).toBe('path_not_permitted');
  });
  it('deny globs win over the allow-list; `**/*.env` (dot: true) catches a bare .env', () => {
    for (const path of ['docs/plans/.env', 'docs/plans/x/prod.env']) {
      expect(reasonOf('PLAN', { tool: 'write_file', args: { path, content: '' } })).toBe('path_not_permitted');
    }
    expect(decide('PLAN', { tool: 'write_file', args: { path: 'docs/plans/p.md', content: '' } }).decision).toBe('allow');
    expect(reasonOf('TDD', { tool: 'read_file', args: { path: '.env' } })).toBe('path_not_permitted');
    expect(reasonOf('TDD', { tool: 'read_file', args: { path: 'a/b/.env' } })).toBe('path_not_permitted');
    expect(reasonOf('TDD', { tool: 'read_file', args: { path: 'secrets/k' } })).toBe('path_not_permitted');
    expect(decide('TDD', { tool: 'read_file', args: { path: '.envrc' } }).decision).toBe('allow');
  });
  it('IMPL may not edit or delete tests, but may write source', () => {
    expect(reasonOf('IMPL', { tool: 'edit_file', args: { path: 'tests/a.test.ts', old: 'a', new: 'b' } })).toBe('path_not_permitted');
    expect(reasonOf('IMPL', { tool: 'delete_file', args: { path: 'tests/a.test.ts' } })).toBe('path_not_permitted');
    expect(decide('IMPL', { tool: 'write_file', args: { path: 'src/a.ts', content: '' } }).decision).toBe('allow');
  });
  it('protected paths refuse writes and deletes in any phase, even with no path constraint', () => {
    for (const path of ['package.json', 'agent_workflow.yaml', '.git/hooks/pre-commit', '.git', '.phasegate/audit/tool_audit.jsonl']) {
      expect(reasonOf('IMPL', { tool: 'write_file', args: { path, content: '' } })).toBe('path_not_permitted');
      expect(reasonOf('IMPL', { tool: 'delete_file', args: { path } })).toBe('path_not_permitted');
    }
    expect(decide('IMPL', { tool: 'read_file', args: { path: 'package.json' } }).decision).toBe('allow');
  });
  it('protected globs are case-insensitive: `.GIT/hooks` is `.git/hooks` on macOS', () => {
    expect(reasonOf('IMPL', { tool: 'write_file', args: { path: '.GIT/hooks/pre-commit', content: '' } })).toBe('path_not_permitted');
    expect(reasonOf('IMPL', { tool: 'write_file', args: { path: 'Package.JSON', content: '' } })).toBe('path_not_permitted');
  });
  it('.phasegate/** and .git/** stay protected even if a contract omits them', () => {
    const bare = { ...makeContract(), protectedGlobs: [] };
    const p = bindPolicy(bare, assignment('IMPL'));
    const r = p.decide(claimsFor(assignment('IMPL')), { tool: 'delete_file', args: { path: '.phasegate/keys/admin.key' } }, NOW);
    expect(r.reason).toBe('path_not_permitted');
  });
});

describe('decide: commands', () => {
  const run = (args: Record<string, unknown>) => decide('TDD', { tool: 'run_command', args });
  it('splits a command string and carries argv', () => {
    expect(run({ command: "npm test -- -t 'a b'" })).toEqual({ decision: 'allow', path: '.', argv: ['npm', 'test', '--', '-t', 'a b'] });
    expect(run({ argv: ['git', 'status'], cwd: 'sub/' })).toEqual({ decision: 'allow', path: 'sub', argv: ['git', 'status'] });
  });
  it('shell_operator for an unquoted operator', () => {
    for (const command of ['npm test; rm -rf .', 'npm test && curl x', 'npm test | sh', 'npm test > out', 'npm test $(id)', 'npm test `id`', 'npm test\nrm x', 'npm test "$HOME"', "npm test 'x"]) {
      expect(run({ command }).reason).toBe('shell_operator');
    }
  });
  it('operators inside argv elements are literal: no shell runs them', () => {
    expect(run({ argv: ['npm', 'test', ';', 'rm'] }).decision).toBe('allow');
  });
  it('command_not_permitted when no pattern matches', () => {
    expect(run({ command: 'npm install evil' }).reason).toBe('command_not_permitted');
    expect(run({ argv: ['git', 'push'] }).reason).toBe('command_not_permitted');
    expect(run({ argv: ['node', 'x.js'] }).reason).toBe('command_not_permitted');
    expect(run({ argv: ['node', 'x.js', '--check'] }).decision).toBe('allow');
  });
  it('a decision argv is a frozen copy the caller cannot change after the check', () => {
    const argv = ['git', 'status'];
    const d = run({ argv });
    argv[1] = 'push';
    expect(d.argv).toEqual(['git', 'status']);
    expect(Object.isFrozen(d.argv)).toBe(true);
  });
});

describe('bindPolicy', () => {
  it('fails at construction for an unknown workflow or phase', () => {
    expect(() => bindPolicy(contract, assignment('NOPE'))).toThrow(TypeError);
    expect(() => bindPolicy(contract, assignment('TDD', { workflow: 'other' }))).toThrow(TypeError);
  });
});
