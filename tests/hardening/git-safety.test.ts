/**
 * A nested repository's `.git/config` cannot turn an allowed `git status` into code
 * execution (SPEC §8, issue 8): the config is planted on disk by the test (the agent cannot
 * write `.git` at any depth), then the agent runs git over the real wire.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withGitSafety } from '../../proxy/tools/git-safety.js';
import { startMini, type MiniStack } from './mini-stack.js';

let stack: MiniStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A script that leaves a marker in the workspace (visible there with or without a sandbox, since WORK allows every write). */
async function plantRepo(ws: string): Promise<void> {
  const repo = join(ws, 'tests/x');
  await mkdir(repo, { recursive: true });
  execFileSync('git', ['init', '-q', repo]);
  await writeFile(join(repo, 'a.txt'), 'one\n');
  execFileSync('git', ['-C', repo, 'add', 'a.txt']);
  execFileSync('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init']);
  const evil = join(repo, 'evil.sh');
  await writeFile(evil, `#!/bin/sh\necho "$0 $*" >> "${join(ws, 'marker.txt')}"\ncat\n`);
  await chmod(evil, 0o755);
  const config = [
    `[core]\n\tfsmonitor = ${evil}`,
    `[alias]\n\tst = !${evil}`,
    `[diff]\n\texternal = ${evil}`,
    `[diff "y"]\n\ttextconv = ${evil}`,
    `[filter "x"]\n\tclean = ${evil}\n\tprocess = ${evil}`,
  ];
  await writeFile(join(repo, '.git/config'), (await readFile(join(repo, '.git/config'), 'utf8')) + config.join('\n') + '\n');
  await mkdir(join(repo, '.git/hooks'), { recursive: true });
  await writeFile(join(repo, '.gitattributes'), 'a.txt filter=x diff=y\n');
  await writeFile(join(repo, 'a.txt'), 'two\n');
}

describe('git safety', () => {
  it('git status / diff / log -p in tests/x with a hostile .git/config run no program from it', { timeout: 30_000 }, async () => {
    stack = await startMini();
    await plantRepo(stack.workspace);
    const { agent, token } = await stack.claim();
    const commands = [['git', 'status'], ['git', 'diff'], ['git', 'log', '-p', '-1'], ['git', '-C', '.', 'diff', 'HEAD'], ['git', 'st']];
    for (const argv of commands) {
      const r = await agent.call('tool.call', { token, tool: 'run_command', args: { argv, cwd: 'tests/x' } });
      expect(r.error, argv.join(' ')).toBeUndefined();
    }
    // The agent's own -c would come last and win: refused before git runs.
    const own = await agent.call('tool.call', { token, tool: 'run_command', args: { argv: ['git', '-c', `core.fsmonitor=${join(stack.workspace, 'tests/x/evil.sh')}`, 'status'], cwd: 'tests/x' } });
    expect(own.error?.data.reason).toBe('command_not_permitted');
    const status = await stack.execute(token, 'run_command', { command: 'git status --porcelain', cwd: 'tests/x' });
    expect(status.status).toBe(200);
    expect(status.body.result.stdout).toContain('a.txt');
    await expect(stat(join(stack.workspace, 'marker.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('the same repository does run the script without the safety options (the attack is real)', async () => {
    stack = await startMini();
    await plantRepo(stack.workspace);
    execFileSync('git', ['status'], { cwd: join(stack.workspace, 'tests/x'), stdio: 'ignore' });
    expect(await readFile(join(stack.workspace, 'marker.txt'), 'utf8')).toContain('evil.sh');
  });
});

describe('withGitSafety', () => {
  const env = { PATH: '/usr/bin' };
  it.each([['-c', 'core.fsmonitor=./x.sh', 'status'], ['-ccore.pager=x', 'log'], ['--config-env=core.pager=X', 'log'], ['--exec-path=./bin', 'status'], ['-C', 'x', '-c', 'a=b', 'status']])(
    'refuses the agent\'s own config options: git %s …',
    (...args) => {
      expect(() => withGitSafety(['git', ...args], env, '/nonexistent', '/nonexistent')).toThrow(/is not allowed/);
    },
  );
  it('a -c after the subcommand is that subcommand\'s own flag, not config', () => {
    expect(() => withGitSafety(['git', 'commit', '-c', 'HEAD'], env, '/nonexistent', '/nonexistent')).not.toThrow();
  });
  it('leaves other programs alone', () => {
    expect(withGitSafety(['npm', 'test'], env, '/w', '/w')).toEqual({ argv: ['npm', 'test'], env });
  });
  it('puts the overrides before the subcommand and --no-ext-diff after a diff subcommand', () => {
    const { argv, env: e } = withGitSafety(['/usr/bin/git', '-C', 'x', 'diff', 'HEAD'], env, '/nonexistent', '/nonexistent');
    expect(argv.slice(0, 3)).toEqual(['/usr/bin/git', '-c', 'core.fsmonitor=false']);
    expect(argv).toContain('core.hooksPath=/dev/null');
    expect(argv.slice(-4)).toEqual(['x', 'diff', '--no-ext-diff', 'HEAD']);
    expect(e).toMatchObject({ GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', PATH: '/usr/bin' });
  });
});
