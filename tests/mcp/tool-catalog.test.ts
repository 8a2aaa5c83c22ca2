/**
 * The MCP tool catalog says what the sidecar checks: the same tool names as the policy's
 * built-ins, and input schemas that accept and refuse the same arguments as its validation.
 * Also the prompt and `contract explain --agent` name tools as the agent sees them.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../core/contract/index.js';
import { TOOL_SPECS } from '../../core/policy/tool-args.js';
import { BUILT_IN_TOOLS, toolsForPhase } from '../../proxy/mcp/index.js';
import { tomlString } from '../../proxy/wrapper/presets/toml.js';
import { renderPrompt } from '../../proxy/wrapper/prompt.js';
import { spawnCli } from '../e2e/processes.js';

const cases: Record<string, { ok: Record<string, unknown>[]; bad: Record<string, unknown>[] }> = {
  read_file: { ok: [{ path: 'a' }], bad: [{}, { path: 1 }] },
  write_file: { ok: [{ path: 'a', content: '' }], bad: [{ path: 'a' }, { content: 'x' }] },
  edit_file: { ok: [{ path: 'a', old: 'x', new: 'y' }], bad: [{ path: 'a', old: 'x' }] },
  list_files: { ok: [{}, { path: 'src', pattern: '**/*.ts' }], bad: [{ path: 3 }] },
  search: { ok: [{ query: 'x' }, { query: 'x', path: 'src', pattern: '*.ts' }], bad: [{}, { query: 1 }] },
  delete_file: { ok: [{ path: 'a' }], bad: [{}] },
  run_command: { ok: [{ argv: ['ls'] }, { command: 'git status', cwd: 'src', timeout_ms: 1000 }], bad: [{ argv: [] }, { command: 'ls', timeout_ms: 0 }, { command: 'ls', timeout_ms: 2 ** 31 }] },
  run_tests: { ok: [{}], bad: [] },
};

describe('the MCP tool catalog', () => {
  it('has exactly the policy built-ins, with schemas that agree with the sidecar validation', () => {
    expect(Object.keys(BUILT_IN_TOOLS).sort()).toEqual([...TOOL_SPECS.keys()].sort());
    const ajv = new Ajv({ strict: false });
    for (const [name, def] of Object.entries(BUILT_IN_TOOLS)) {
      const validate = ajv.compile(def.inputSchema);
      const spec = TOOL_SPECS.get(name)!;
      for (const args of cases[name]!.ok) {
        expect(validate(args), `${name} ${JSON.stringify(args)}`).toBe(true);
        expect(spec.valid(args), `${name} ${JSON.stringify(args)}`).toBe(true);
      }
      for (const args of cases[name]!.bad) {
        expect(validate(args), `${name} ${JSON.stringify(args)}`).toBe(false);
        expect(spec.valid(args), `${name} ${JSON.stringify(args)}`).toBe(false);
      }
    }
  });

  it('hints: read tools read-only, delete_file destructive; workflow tools always listed', () => {
    const tools = toolsForPhase(['read_file', 'delete_file', 'not_a_builtin'], ['TDD']);
    expect(tools.map((t) => t.name)).toEqual(['read_file', 'delete_file', 'workflow_status', 'workflow_transition', 'workflow_describe']);
    expect(tools[0]?.annotations?.readOnlyHint).toBe(true);
    expect(tools[1]?.annotations?.destructiveHint).toBe(true);
    expect(toolsForPhase([], []).map((t) => t.name)).toEqual(['workflow_status', 'workflow_transition', 'workflow_describe']);
  });

  it('codex -c values are TOML strings with every control character escaped', () => {
    expect(tomlString('a"b\\c\nd\u0001\u007f')).toBe('"a\\"b\\\\c\\nd\\u0001\\u007f"');
  });
});

describe('prompts for agents wired through MCP', () => {
  it('names the mcp__phasegate__ tools, explains the workflow tools, carries no SDK snippet and no token', async () => {
    const contract = await loadContract('agent_workflow.yaml');
    const text = renderPrompt({
      contract,
      task: { id: 'T-1', title: 'Add slugify', description: 'd', acceptance_criteria: ['works'], workflow: 'default' },
      phase: 'PLAN',
      agentId: 'a1',
      agent: 'claude',
      token: 'TOKEN-XYZ',
    });
    for (const tool of ['workflow_transition', 'workflow_status', 'workflow_describe', 'write_file', 'run_tests']) expect(text).toContain(`mcp__phasegate__${tool}`);
    expect(text).toContain('You may use: `mcp__phasegate__read_file`');
    expect(text).not.toContain('AgentClient');
    expect(text).not.toContain('TOKEN-XYZ');
  });

  it('contract explain --agent claude names tools as Claude Code sees them; a bad agent exits 2', async () => {
    const ok = spawnCli(['contract', 'explain', 'agent_workflow.yaml', '--agent', 'claude', '--phase', 'TDD']);
    expect(await ok.exited).toBe(0);
    expect(ok.output().stdout).toContain('`mcp__phasegate__write_file`: only paths matching');
    const bad = spawnCli(['contract', 'explain', '--agent', 'cursor']);
    expect(await bad.exited).toBe(2);
  });
});
