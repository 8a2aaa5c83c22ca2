/** The one refusal renderer: the reason code first, then the rule, what the phase allows, and the next step. */
import { describe, expect, it } from 'vitest';
import { phaseRulesFrom } from '../../proxy/mcp/phase-rules.js';
import { renderRefusal } from '../../proxy/mcp/refusal-text.js';
import { SecretScrubber } from '../../proxy/mcp/secret-scrub.js';

const rules = phaseRulesFrom({
  phase: 'TDD',
  allowed_tools: ['read_file', 'write_file', 'run_command'],
  forbidden_tools: ['delete_file'],
  constraints: { write_file: { paths: ['tests/**'], deny: ['tests/fixtures/**'] }, run_command: { commands: ['git status', 'ls *'] } },
  protected: ['package.json', 'coordinator:contract'],
  artifacts: { tests: { schema_file: 'tests.schema.json', schema: { required: ['test_files'], properties: { test_files: { type: 'array' } } } } },
  transitions: [{ to: 'IMPL', requires_artifacts: ['tests'], gate: 'tests_fail_first', checks: ['tests_failing'], approval: false }],
});

describe('renderRefusal', () => {
  it.each([
    ['path_not_permitted', 'write_file', 'write_file in TDD allows only paths matching `tests/**`; never paths matching `tests/fixtures/**`'],
    ['command_not_permitted', 'run_command', 'only the commands `git status`, `ls *`'],
    ['tool_forbidden', 'delete_file', 'delete_file is forbidden in TDD'],
    ['tool_not_allowed', 'run_tests', 'run_tests is not among the tools TDD allows'],
    ['shell_operator', 'run_command', 'pass `argv` instead'],
    ['path_outside_workspace', 'read_file', 'no `..` out of it'],
  ])('%s names the rule', (reason, tool, rule) => {
    const text = renderRefusal({ reason, message: 'm' }, { tool, rules });
    expect(text.split('\n')[0]).toBe(`Refused: ${reason} (${tool} in TDD): m`);
    expect(text).toContain(rule);
    expect(text).toContain('This phase (TDD) allows: read_file, write_file (only paths matching `tests/**`; never paths matching `tests/fixtures/**`), run_command (');
    expect(text).toContain('Next step: workflow_transition to IMPL needs: artifact `tests` {test_files: array}; your latest `run_tests`');
    expect(text).toContain('Nothing was executed.');
  });

  it('protected files are named on a refused write, the contract file in words', () => {
    const text = renderRefusal({ reason: 'path_not_permitted', message: 'm' }, { tool: 'write_file', rules });
    expect(text).toContain('Protected in every phase (never written, edited or deleted): `package.json`, the contract file.');
  });

  it('failures, token and lease problems say what to do; blockers are listed', () => {
    expect(renderRefusal({ reason: 'tool_failed', message: 'tool failed', detail: 'old text not found' }, { tool: 'edit_file', rules })).toMatch(/^Refused: tool_failed .* — old text not found\n[\s\S]*fix the arguments/);
    expect(renderRefusal({ reason: 'token_superseded', message: 'm' }, { tool: 'read_file', rules })).toContain('held by phasegate, not by you');
    expect(renderRefusal({ reason: 'lease_lost', message: 'm' }, { tool: 'read_file', rules: undefined })).toContain('stop working on it');
    const blocked = renderRefusal({ reason: 'transition_blocked', message: 'TDD → IMPL was refused', blockers: [{ code: 'tests_failing', message: 'no failing run' }] }, { tool: 'workflow_transition', rules });
    expect(blocked).toContain('- blocker tests_failing: no failing run');
  });

  it('a terminal phase has no next step but says so', () => {
    const done = phaseRulesFrom({ phase: 'COMPLETE', allowed_tools: ['read_file'], transitions: [] });
    expect(renderRefusal({ reason: 'tool_not_allowed', message: 'm' }, { tool: 'write_file', rules: done })).toContain('COMPLETE has no way out');
  });
});

describe('SecretScrubber', () => {
  it('replaces every occurrence of every secret, and ignores values too short to be one', () => {
    const s = new SecretScrubber();
    s.add('agent-key-0123456789abcdef');
    s.add('eyJ.short');
    s.add(undefined);
    expect(s.scrub('a agent-key-0123456789abcdef b agent-key-0123456789abcdef eyJ.short')).toBe('a [redacted] b [redacted] eyJ.short');
  });
});
