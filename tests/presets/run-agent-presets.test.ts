/**
 * `phasegate run --agent claude|codex -- STAND-IN`: the stand-in prints the flags and files
 * it was given and drives the MCP server and hook they describe. The operator's keys sit in
 * the wrapper's environment; none may reach the agent's argv, files or environment.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, REPO, spawnCli, spawnCoordinator, type CliProcess } from '../e2e/processes.js';

const STAND_IN = resolve(import.meta.dirname, 'fixtures/stand-in-agent.mjs');
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;
const MCP_ENV = ['PHASEGATE_AGENT_ID', 'PHASEGATE_AGENT_KEY', 'PHASEGATE_PHASE_TOKEN', 'PHASEGATE_TASK_ID', 'PHASEGATE_URL'];
const PLAN_TOOLS = ['read_file', 'write_file', 'edit_file', 'list_files', 'search', 'workflow_status', 'workflow_transition', 'workflow_describe'];
const secret = () => randomBytes(32).toString('base64url');

interface Report {
  argv: string[];
  env: Record<string, string>;
  files: Record<string, { path: string; mode: number; dirMode: number; text: string }>;
  overrides: Record<string, string>;
  tools?: string[];
  refusal?: { isError: boolean; text: string };
  hook?: { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
  bypass?: string;
}

const children: CliProcess[] = [];
let root: string | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (isAlive(c.proc.pid)) c.proc.kill('SIGKILL');
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function workspace(): Promise<string> {
  root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-presets-')));
  const ws = join(root, 'ws');
  await mkdir(join(ws, 'src'), { recursive: true });
  await writeFile(join(ws, 'README.md'), '# preset workspace\n');
  return ws;
}

function standInReport(stdout: string): Report {
  const line = stdout.split('\n').find((l) => l.startsWith('STANDIN '));
  if (line === undefined) throw new Error(`the stand-in printed no report:\n${stdout}`);
  return JSON.parse(line.slice('STANDIN '.length)) as Report;
}

/** Everything the agent was handed, as one string to search for leaks. */
function everything(r: Report): string {
  return JSON.stringify([r.argv, r.env, r.files, r.overrides]);
}

function isOutside(path: string, ws: string): boolean {
  const rel = relative(ws, path);
  return rel.startsWith('..');
}

describe('phasegate run --agent', () => {
  it('claude: --mcp-config, --settings and --append-system-prompt as Claude Code expects; no operator key reaches the agent', { timeout: 60_000 }, async () => {
    const ws = await workspace();
    const keys = { PHASEGATE_ADMIN_KEY: secret(), PHASEGATE_SIDECAR_KEY: secret(), PHASEGATE_JWT_SECRET: secret() };
    const coordinator = await spawnCoordinator(['--data', join(root as string, 'data'), '--contract', join(REPO, 'agent_workflow.yaml')], keys);
    children.push(coordinator);
    const created = await fetch(`${coordinator.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.PHASEGATE_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Add slugify()', acceptance_criteria: ['slugify("A b") is "a-b"'] }),
    });
    const { task } = (await created.json()) as { task: { id: string } };
    // The operator's shell holds every key; only the agent's own values may pass.
    const run = spawnCli(
      ['run', '--agent', 'claude', '--coordinator', coordinator.url, '--workspace', ws, '--task', task.id, '--audit', join(root as string, 'audit'), '--', STAND_IN, '-p', 'do the task'],
      keys,
    );
    children.push(run);
    expect(await run.exited, run.output().stderr).toBe(7);
    const r = standInReport(run.output().stdout);

    // argv: our flags first, then the operator's own arguments untouched.
    expect(r.argv.slice(0, 6).filter((_, i) => i % 2 === 0)).toEqual(['--mcp-config', '--settings', '--append-system-prompt']);
    expect(r.argv.slice(6)).toEqual(['-p', 'do the task']);
    const prompt = r.argv[5] as string;
    expect(prompt).toContain('mcp__phasegate__workflow_transition');
    expect(prompt).toContain('mcp__phasegate__write_file');
    expect(prompt).toContain('Add slugify()');

    // The files: outside the workspace, private, and saying what Claude Code reads.
    for (const f of Object.values(r.files)) {
      expect(isOutside(f.path, ws), f.path).toBe(true);
      expect(f.mode).toBe(0o600);
      expect(f.dirMode).toBe(0o700);
    }
    const mcp = JSON.parse(r.files['--mcp-config']!.text);
    expect(Object.keys(mcp.mcpServers)).toEqual(['phasegate']);
    expect(mcp.mcpServers.phasegate).toMatchObject({ type: 'stdio', command: process.execPath, args: [join(REPO, 'dist/proxy/cli/main.js'), 'mcp'] });
    expect(Object.keys(mcp.mcpServers.phasegate.env).sort()).toEqual(MCP_ENV);
    expect(mcp.mcpServers.phasegate.env.PHASEGATE_AGENT_KEY).toBe(r.env.PHASEGATE_AGENT_KEY);
    const settings = JSON.parse(r.files['--settings']!.text);
    expect(settings.permissions).toEqual({ allow: ['mcp__phasegate'], deny: ['Bash', 'Edit', 'NotebookEdit', 'Read', 'Write'] });
    const matcher = new RegExp(`^(${settings.hooks.PreToolUse[0].matcher})$`);
    for (const tool of ['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash', 'Glob', 'Grep']) expect(matcher.test(tool), tool).toBe(true);
    expect(matcher.test('mcp__phasegate__write_file')).toBe(false);

    // What the configuration starts really works: the MCP server serves PLAN, the hook denies Write.
    expect([...(r.tools ?? [])].sort()).toEqual([...PLAN_TOOLS].sort());
    expect(r.refusal?.isError).toBe(true);
    expect(r.refusal?.text).toContain('path_not_permitted');
    expect(r.hook?.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(r.hook?.hookSpecificOutput.permissionDecisionReason).toContain('mcp__phasegate__write_file');

    // Attack: writing the workspace around phasegate fails in the agent sandbox (read-only).
    expect(r.bypass).toBe('EROFS');
    expect(existsSync(join(ws, 'bypass.txt'))).toBe(false);

    // The stand-in's MCP call went through the sidecar: it is in the audit log, refused.
    const audit = (await readFile(join(root as string, 'audit', 'tool_audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.some((rec) => rec.type === 'call' && rec.tool === 'write_file' && rec.decision === 'deny' && rec.reason === 'path_not_permitted')).toBe(true);

    // Attack: no operator key anywhere the agent can look; no token or agent key in the prompt.
    for (const key of Object.values(keys)) expect(everything(r)).not.toContain(key);
    expect(Object.keys(r.env).sort()).toEqual(['PHASEGATE_AGENT_ID', 'PHASEGATE_AGENT_KEY', 'PHASEGATE_HTTP_URL', 'PHASEGATE_PHASE_TOKEN', 'PHASEGATE_PROMPT_FILE', 'PHASEGATE_TASK_ID', 'PHASEGATE_URL']);
    expect(prompt).not.toContain(r.env.PHASEGATE_AGENT_KEY);
    expect(prompt).not.toMatch(JWT);
    expect(r.refusal?.text).not.toContain(r.env.PHASEGATE_AGENT_KEY);
    expect(r.refusal?.text).not.toMatch(JWT);
  });

  it('codex: -c overrides for the MCP server, a read-only sandbox, no approvals and the instructions', { timeout: 60_000 }, async () => {
    const ws = await workspace();
    const run = spawnCli(['run', '--agent', 'codex', '--workspace', ws, '--title', 'Add slugify()', '--criteria', 'slugify works', '--', STAND_IN, 'exec', 'do the task'], {
      PHASEGATE_STATE_DIR: join(root as string, 'state'),
    });
    children.push(run);
    expect(await run.exited, run.output().stderr).toBe(7);
    const r = standInReport(run.output().stdout);
    expect(r.argv.slice(-2)).toEqual(['exec', 'do the task']);
    expect(r.argv.slice(0, -2).filter((_, i) => i % 2 === 0).every((a) => a === '-c')).toBe(true);
    expect(r.overrides.sandbox_mode).toBe('"read-only"');
    expect(r.overrides.approval_policy).toBe('"never"');
    expect(r.overrides['mcp_servers.phasegate.command']).toBe(JSON.stringify(process.execPath));
    const env = JSON.parse((r.overrides['mcp_servers.phasegate.env'] as string).replace(/" = "/g, '": "')) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(MCP_ENV);
    const instructions = JSON.parse(r.overrides.developer_instructions as string) as string;
    expect(instructions).toContain('mcp__phasegate__workflow_transition');
    expect(instructions).not.toContain(r.env.PHASEGATE_AGENT_KEY);
    expect(instructions).not.toMatch(JWT);
    expect(r.files).toEqual({});
    expect([...(r.tools ?? [])].sort()).toEqual([...PLAN_TOOLS].sort());
    expect(r.refusal?.text).toContain('path_not_permitted');
    expect(r.bypass).toBe('EROFS');
  });

  it('attack: a TMPDIR inside the workspace is refused before any key-holding file is written', { timeout: 60_000 }, async () => {
    const ws = await workspace();
    await mkdir(join(ws, 'tmp'));
    const run = spawnCli(['run', '--agent', 'claude', '--workspace', ws, '--title', 't', '--', STAND_IN], {
      TMPDIR: join(ws, 'tmp'),
      PHASEGATE_STATE_DIR: join(root as string, 'state'),
    });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('set TMPDIR elsewhere');
    expect(run.output().stdout).not.toContain('STANDIN');
    expect(readdirSync(join(ws, 'tmp'))).toEqual([]);
  });

  it('CMD defaults to the agent; a wrong --agent is a usage error', async () => {
    const bad = spawnCli(['run', '--agent', 'gemini', '--', 'true']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('--agent must be one of claude, codex');
    const ws = await workspace();
    // No `claude` on this PATH: the default command is tried, and the failure names it.
    const missing = spawnCli(['run', '--agent', 'claude', '--workspace', ws, '--title', 't'], { PATH: '/nonexistent', PHASEGATE_STATE_DIR: join(root as string, 'state') });
    expect(await missing.exited).toBe(1);
    expect(missing.output().stderr).toContain('cannot start claude');
  });
});
