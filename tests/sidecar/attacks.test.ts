/** Each attack an agent might try, performed: refused, audited, and nothing changed on disk. */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../proxy/audit/index.js';
import { startStack, walkToImpl, type RawAgent, type Stack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** path → sha256 of content (files) or `-> target` (symlinks), never following links. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(abs);
      if (info.isSymbolicLink()) out[r] = `-> ${await readlink(abs)}`;
      else if (info.isDirectory()) await walk(abs, r);
      else out[r] = createHash('sha256').update(await readFile(abs)).digest('hex');
    }
  };
  await walk(root, '');
  return out;
}

interface Attack {
  name: string;
  params: { tool: string; args: Record<string, unknown> };
  reason: string;
}

/** Performs each attack; checks the wire error, the audit records it left, and that no file changed anywhere. */
async function performAll(s: Stack, agent: RawAgent, token: string, attacks: Attack[]): Promise<void> {
  const before = { ws: await snapshot(s.workspace), outside: await snapshot(s.outside) };
  for (const a of attacks) {
    const seen = (await s.audit()).length;
    const r = await agent.call('tool.call', { token, ...a.params });
    expect(r.result, a.name).toBeUndefined();
    expect(r.error?.data.reason, a.name).toBe(a.reason);
    const fresh: AuditRecord[] = (await s.audit()).slice(seen);
    const call = fresh.find((x) => x.type === 'call');
    expect(call, a.name).toBeDefined();
    expect(call?.tool).toBe(a.params.tool);
    if (call?.decision === 'deny') {
      expect(call.reason, a.name).toBe(a.reason);
    } else {
      // Allowed by the globs, refused by the workspace after resolving the real path.
      const result = fresh.find((x) => x.type === 'result' && x.call_id === call?.call_id);
      expect(result?.result, a.name).toMatchObject({ ok: false, error: a.reason });
    }
  }
  expect(await snapshot(s.workspace)).toEqual(before.ws);
  expect(await snapshot(s.outside)).toEqual(before.outside);
}

describe('attacks through the sidecar', () => {
  it('in PLAN: source writes, escapes, absolute paths and symlinks out are refused', async () => {
    stack = await startStack();
    const s = stack;
    await s.addTask();
    await mkdir(join(s.workspace, 'docs/plans'), { recursive: true });
    // Links planted inside the one folder PLAN may write: to source, and to outside as a middle folder.
    await symlink('../../src/app.js', join(s.workspace, 'docs/plans/evil.md'));
    await symlink(s.outside, join(s.workspace, 'docs/plans/out'));
    const agent = await s.connect();
    const { token } = await agent.ok('task.claim');
    await performAll(s, agent, token, [
      { name: 'write source in PLAN', params: { tool: 'write_file', args: { path: 'src/app.js', content: 'pwned' } }, reason: 'path_not_permitted' },
      { name: 'edit source in PLAN', params: { tool: 'edit_file', args: { path: 'src/app.js', old: 'a - b', new: 'a + b' } }, reason: 'path_not_permitted' },
      { name: 'escape with ../', params: { tool: 'read_file', args: { path: '../outside/secret.txt' } }, reason: 'path_outside_workspace' },
      { name: 'write via ../', params: { tool: 'write_file', args: { path: 'docs/plans/../../../outside/pwn.md', content: 'x' } }, reason: 'path_outside_workspace' },
      { name: 'absolute path', params: { tool: 'read_file', args: { path: '/etc/passwd' } }, reason: 'path_outside_workspace' },
      { name: 'absolute path into outside', params: { tool: 'write_file', args: { path: join(s.outside, 'pwn.md'), content: 'x' } }, reason: 'path_outside_workspace' },
      { name: 'NUL byte', params: { tool: 'read_file', args: { path: 'README.md\u0000../../etc/passwd' } }, reason: 'path_outside_workspace' },
      { name: 'symlink out (last component)', params: { tool: 'read_file', args: { path: 'link-out' } }, reason: 'path_outside_workspace' },
      { name: 'symlink out (middle folder)', params: { tool: 'write_file', args: { path: 'docs/plans/out/pwn.md', content: 'x' } }, reason: 'path_outside_workspace' },
      { name: 'symlink to source inside PLAN globs', params: { tool: 'write_file', args: { path: 'docs/plans/evil.md', content: 'pwned' } }, reason: 'path_not_permitted' },
      { name: 'run a command in PLAN', params: { tool: 'run_command', args: { argv: ['touch', 'x'] } }, reason: 'tool_forbidden' },
    ]);
    const leaked = (await s.audit()).some((r) => JSON.stringify(r).includes('TOP SECRET'));
    expect(leaked).toBe(false);
  });

  it('in IMPL: test edits, protected files, shell tricks and foreign or stale tokens are refused', async () => {
    stack = await startStack();
    const s = stack;
    await s.addTask('first');
    const agent = await s.connect();
    const { token, tddToken } = await walkToImpl(agent);
    const otherToken = await s.foreignToken();
    await performAll(s, agent, token, [
      { name: 'edit a test in IMPL', params: { tool: 'edit_file', args: { path: 'tests/run.js', old: '=== 5', new: '!== 5' } }, reason: 'path_not_permitted' },
      { name: 'overwrite a test in IMPL', params: { tool: 'write_file', args: { path: 'tests/run.js', content: 'process.exit(0)' } }, reason: 'path_not_permitted' },
      { name: 'delete a test in IMPL', params: { tool: 'delete_file', args: { path: 'tests/run.js' } }, reason: 'path_not_permitted' },
      { name: 'edit package.json test script', params: { tool: 'edit_file', args: { path: 'package.json', old: 'node tests/run.js', new: 'true' } }, reason: 'path_not_permitted' },
      { name: 'write the contract dir', params: { tool: 'write_file', args: { path: '.phasegate/audit/tool_audit.jsonl', content: '' } }, reason: 'path_not_permitted' },
      { name: 'npm test; rm -rf x', params: { tool: 'run_command', args: { command: 'npm test; rm -rf src' } }, reason: 'shell_operator' },
      { name: '$(…)', params: { tool: 'run_command', args: { command: 'ls $(rm -rf src)' } }, reason: 'shell_operator' },
      { name: 'backticks', params: { tool: 'run_command', args: { command: 'ls `rm -rf src`' } }, reason: 'shell_operator' },
      { name: 'bash -c', params: { tool: 'run_command', args: { argv: ['bash', '-c', 'rm -rf src'] } }, reason: 'command_not_permitted' },
      { name: 'cwd outside', params: { tool: 'run_command', args: { argv: ['ls'], cwd: '../outside' } }, reason: 'path_outside_workspace' },
    ]);
    const foreign = await agent.call('tool.call', { token: otherToken, tool: 'write_file', args: { path: 'src/app.js', content: 'x' } });
    expect(foreign.error?.data.reason).toBe('token_wrong_task');
    const stale = await agent.call('tool.call', { token: tddToken, tool: 'write_file', args: { path: 'tests/run.js', content: 'process.exit(0)' } });
    expect(stale.error?.data.reason).toBe('token_superseded');
    const denied = (await s.audit()).filter((r) => r.type === 'call' && r.decision === 'deny').map((r) => r.reason);
    expect(denied.slice(-2)).toEqual(['token_wrong_task', 'token_superseded']);
    expect(await readFile(join(s.workspace, 'tests/run.js'), 'utf8')).toContain('=== 5');
  });
});
