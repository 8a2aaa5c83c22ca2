/**
 * The README's five-line agent, run exactly as the README prints it: its code block saved
 * under the name the README gives, and its command line run by a shell in a project where
 * `phasegate` is installed (node_modules/phasegate and its bin, as npm would link them).
 * It used to hang for good; it must move the task to TDD and exit, and the wrapper with it.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO, processesInside } from '../e2e/processes.js';

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** The section's first fenced code block and the `…` command after "run it". */
async function readmeAgent(): Promise<{ code: string; file: string; command: string }> {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## A five-line agent');
  expect(start).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const save = /Save it as `([^`]+)`/.exec(section)?.[1];
  const command = /run it behind a sidecar with `([^`]+)`/.exec(section)?.[1];
  if (code === undefined || save === undefined || command === undefined) throw new Error('the README section no longer has its code block, file name and command');
  expect(code.trim().split('\n')).toHaveLength(5);
  return { code, file: save, command };
}

describe('README five-line agent', () => {
  it('runs as printed, reaches TDD and exits; the wrapper gives the task back and exits 0', { timeout: 60_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-readme-')));
    const project = join(root, 'project');
    const { code, file, command } = await readmeAgent();
    await mkdir(join(project, 'node_modules', '.bin'), { recursive: true });
    await symlink(REPO, join(project, 'node_modules', 'phasegate'));
    const bin = join(project, 'node_modules', '.bin', 'phasegate');
    await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    await chmod(bin, 0o755);
    await writeFile(join(project, file), code);

    const child = spawn('sh', ['-c', command], {
      cwd: project,
      env: { ...process.env, PATH: `${join(project, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, PHASEGATE_STATE_DIR: join(root, 'state'), npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain('now in TDD');
    expect(stderr).toMatch(/^phasegate: claimed T-1 "add sum\(\)" in PLAN/m);
    expect(stderr).toContain('phasegate: phase PLAN → TDD');
    expect(stderr).toContain('phasegate: released the claim');
    expect(await readFile(join(project, 'docs', 'plans', 'plan.md'), 'utf8')).toBe('# Plan\n…');
    expect(processesInside(project)).toEqual([]);
  });
});
