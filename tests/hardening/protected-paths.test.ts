/**
 * SPEC §8 always-protected paths, attacked over the real wire: the contract file under its
 * real path (whatever name it was loaded under), the default contract name, and `.git` at
 * any depth. The contract used here protects nothing itself.
 */
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMini, WORK_CONTRACT, type MiniStack } from './mini-stack.js';

let stack: MiniStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const write = (path: string) => ({ tool: 'write_file', args: { path, content: 'version: 1\nenforcement: { mode: permissive }\n' } });

describe('always-protected paths', () => {
  it('the contract the coordinator loaded through another name is protected under its real workspace path', async () => {
    // The coordinator is told to load /root/elsewhere.yaml, a symlink to ws/rules/flow.yml.
    stack = await startMini({
      contractAt: 'ws/rules/flow.yml',
      contractPathFor: async (root, written) => {
        await symlink(written, join(root, 'elsewhere.yaml'));
        return join(root, 'elsewhere.yaml');
      },
    });
    await symlink('rules/flow.yml', join(stack.workspace, 'alias.yaml'));
    const { agent, token } = await stack.claim();
    for (const path of ['rules/flow.yml', 'RULES/Flow.yml', 'alias.yaml', 'agent_workflow.yaml']) {
      const r = await agent.call('tool.call', { token, ...write(path) });
      expect(r.error?.data.reason, path).toBe('path_not_permitted');
    }
    for (const tool of ['edit_file', 'delete_file']) {
      const r = await agent.call('tool.call', { token, tool, args: { path: 'rules/flow.yml', old: 'version', new: 'x' } });
      expect(r.error?.data.reason, tool).toBe('path_not_permitted');
    }
    // Over HTTP as well.
    const http = await stack.execute(token, 'write_file', write('rules/flow.yml').args);
    expect(http.status).toBe(403);
    expect(http.body.error.reason).toBe('path_not_permitted');
    expect(await readFile(join(stack.workspace, 'rules/flow.yml'), 'utf8')).toBe(WORK_CONTRACT);
    await expect(stat(join(stack.workspace, 'agent_workflow.yaml'))).rejects.toThrow(/ENOENT/);
    // An ordinary file in the same folder is still writable: the rule is the contract, not the folder.
    expect((await agent.call('tool.call', { token, tool: 'write_file', args: { path: 'rules/notes.md', content: 'ok' } })).result).toEqual({ bytes: 2 });
  });

  it('the wrapper\'s --contract file in the workspace is protected too, when the coordinator loaded a copy elsewhere', async () => {
    stack = await startMini({
      prepare: async (root, ws) => {
        await mkdir(join(ws, 'conf'));
        await writeFile(join(ws, 'conf/wf.yaml'), await readFile(join(root, 'contract.yaml')));
        return { contractFile: join(ws, 'conf/wf.yaml') };
      },
    });
    const { agent, token } = await stack.claim();
    expect((await agent.call('tool.call', { token, ...write('conf/wf.yaml') })).error?.data.reason).toBe('path_not_permitted');
    expect((await agent.call('tool.call', { token, ...write('conf/other.yaml') })).result).toBeDefined();
  });

  it('.git is protected at any depth, the folder itself included (tests/x/.git/config)', async () => {
    stack = await startMini();
    await mkdir(join(stack.workspace, 'tests/x/.git'), { recursive: true });
    await writeFile(join(stack.workspace, 'tests/x/.git/config'), '[core]\n');
    const { agent, token } = await stack.claim();
    const attempts = [
      write('tests/x/.git/config'),
      write('.git/hooks/pre-commit'),
      write('.git'),
      write('tests/y/.GIT/config'),
      write('a/b/c/.git/info/attributes'),
      { tool: 'edit_file', args: { path: 'tests/x/.git/config', old: '[core]', new: '[core]\n\tfsmonitor = ./x.sh' } },
      { tool: 'delete_file', args: { path: 'tests/x/.git/config' } },
    ];
    for (const call of attempts) {
      const r = await agent.call('tool.call', { token, ...call });
      expect(r.error?.data.reason, JSON.stringify(call.args)).toBe('path_not_permitted');
    }
    const http = await stack.execute(token, 'write_file', write('tests/x/.git/config').args);
    expect(http.body.error.reason).toBe('path_not_permitted');
    expect(await readFile(join(stack.workspace, 'tests/x/.git/config'), 'utf8')).toBe('[core]\n');
    // Names that merely resemble .git are ordinary files.
    for (const path of ['.gitignore', 'tests/x/.github/ci.yml', 'my.git/x']) {
      expect((await agent.call('tool.call', { token, ...write(path) })).result, path).toBeDefined();
    }
    // Reading git metadata stays allowed: only writes are refused.
    expect((await agent.ok('tool.call', { token, tool: 'read_file', args: { path: 'tests/x/.git/config' } })).content).toBe('[core]\n');
  });

  it('a symlink in the workspace pointing into a .git folder cannot be written through', async () => {
    stack = await startMini();
    await mkdir(join(stack.workspace, 'sub/.git'), { recursive: true });
    await writeFile(join(stack.workspace, 'sub/.git/config'), '[core]\n');
    await symlink('sub/.git/config', join(stack.workspace, 'innocent.txt'));
    const { agent, token } = await stack.claim();
    const r = await agent.call('tool.call', { token, ...write('innocent.txt') });
    expect(r.error?.data.reason).toBe('path_not_permitted');
    expect(await readFile(join(stack.workspace, 'sub/.git/config'), 'utf8')).toBe('[core]\n');
  });
});
