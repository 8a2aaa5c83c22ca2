/**
 * `phasegate hook claude`, run for real with the JSON Claude Code sends (verified against
 * 2.1.x, notes/claude-code-facts.md): native workspace tools are denied naming the MCP tool,
 * phasegate's MCP tools are allowed, anything unreadable is denied, and the exit code is
 * always 0 (exit 1 would NOT block the tool).
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { claudeHookCommand } from '../../proxy/wrapper/presets/index.js';
import { CLI } from '../e2e/processes.js';

function hook(stdin: string | Buffer, args = ['hook', 'claude']): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

const base = {
  session_id: 's-1',
  transcript_path: '/tmp/t.jsonl',
  cwd: '/work/project',
  prompt_id: 'p-1',
  permission_mode: 'bypassPermissions',
  effort: 'high',
  hook_event_name: 'PreToolUse',
  tool_use_id: 'toolu_01',
};

async function decide(input: unknown): Promise<{ decision: string; reason: string }> {
  const r = await hook(typeof input === 'string' ? input : JSON.stringify(input));
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string } };
  expect(Object.keys(out)).toEqual(['hookSpecificOutput']);
  expect(out.hookSpecificOutput.hookEventName).toBe('PreToolUse');
  return { decision: out.hookSpecificOutput.permissionDecision, reason: out.hookSpecificOutput.permissionDecisionReason };
}

describe('phasegate hook claude', () => {
  it.each([
    ['Write', { file_path: '/work/project/src/app.js', content: 'x' }, 'mcp__phasegate__write_file'],
    ['Edit', { file_path: '/work/project/src/app.js', old_string: 'a', new_string: 'b', replace_all: false }, 'mcp__phasegate__edit_file'],
    ['MultiEdit', { file_path: '/work/project/src/app.js', edits: [] }, 'mcp__phasegate__edit_file'],
    ['NotebookEdit', { notebook_path: '/work/project/n.ipynb', new_source: 'x' }, 'mcp__phasegate__edit_file'],
    ['Bash', { command: 'rm -rf /', description: 'clean up' }, 'mcp__phasegate__run_command'],
    ['Read', { file_path: '/work/project/README.md' }, 'mcp__phasegate__read_file'],
    ['Glob', { pattern: '**/*.ts' }, 'mcp__phasegate__list_files'],
    ['Grep', { pattern: 'TODO' }, 'mcp__phasegate__search'],
  ])('denies native %s, naming %s', async (tool, toolInput, replacement) => {
    const d = await decide({ ...base, tool_name: tool, tool_input: toolInput });
    expect(d.decision).toBe('deny');
    expect(d.reason).toContain(replacement);
  });

  it('allows phasegate MCP tools', async () => {
    for (const tool of ['mcp__phasegate__write_file', 'mcp__phasegate__workflow_transition']) {
      expect((await decide({ ...base, tool_name: tool, tool_input: { path: 'x', content: 'y' } })).decision).toBe('allow');
    }
  });

  it('fails closed: malformed, empty, wrong event, lookalike and unknown tools are denied, exit 0', async () => {
    const cases: unknown[] = [
      'not json',
      '',
      '[]',
      'null',
      '{"tool_name": "Write"',
      { ...base, hook_event_name: 'PostToolUse', tool_name: 'mcp__phasegate__read_file' },
      { ...base, tool_name: 42 },
      { ...base, tool_name: 'mcp__phasegate__' },
      { ...base, tool_name: 'mcp__phasegatex__write_file' },
      { ...base, tool_name: 'mcp__other__mcp__phasegate__write_file' },
      { ...base, tool_name: 'SomeFutureTool' },
      { ...base, tool_name: '__proto__' },
    ];
    for (const input of cases) expect((await decide(input)).decision, JSON.stringify(input)).toBe('deny');
  });

  it('a flood on stdin is denied, not buffered forever', async () => {
    const r = await hook(Buffer.alloc(5 * 1024 * 1024, 0x61));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('the hook command of the preset blocks (exit 2) even when phasegate cannot start', () => {
    const write = JSON.stringify({ ...base, tool_name: 'Write', tool_input: { file_path: '/x', content: 'y' } });
    const broken = spawnSync('/bin/sh', ['-c', claudeHookCommand(process.execPath, ['/nonexistent/phasegate.js'])], { input: write, encoding: 'utf8' });
    expect(broken.status).toBe(2);
    const working = spawnSync('/bin/sh', ['-c', claudeHookCommand(process.execPath, [CLI])], { input: write, encoding: 'utf8' });
    expect(working.status).toBe(0);
    expect(JSON.parse(working.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('a wrong subcommand exits 2 (which Claude Code also treats as a block), never 1', async () => {
    const r = await hook('{}', ['hook', 'cursor']);
    expect(r.code).toBe(2);
  });
});
