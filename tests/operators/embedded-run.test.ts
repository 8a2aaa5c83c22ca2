/**
 * An embedded `phasegate run` finishes the default workflow on its own (SPEC §13): the
 * reviewer runs the spawned review task under another agent id, the pending approval is
 * announced with the coordinator URL and the 0600 admin key file (no terminal here), and
 * `phasegate approve` from "another shell" — this test — completes the task.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchProject } from '../../proxy/demo/scratch-project.js';
import { CLI, EXAMPLES, REPO, isAlive, processesInside, spawnCli, waitFor, type CliProcess } from '../e2e/processes.js';

const children: CliProcess[] = [];
let root: string | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (isAlive(c.proc.pid)) c.proc.kill('SIGKILL');
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('embedded phasegate run with --reviewer', () => {
  it('reaches COMPLETE through the reviewer and an approval from another shell; exits 0; leaves no process', { timeout: 120_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-embedded-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const env = { PHASEGATE_STATE_DIR: join(root, 'state') };
    const reviewer = `${process.execPath} ${join(EXAMPLES, 'review-agent.js')}`;
    const run = spawnCli(
      ['run', '--workspace', ws, '--title', 'Add slugify()', '--criteria', 'slugify("Hello World") is "hello-world"', '--agent-id', 'author', '--reviewer', reviewer, '--', process.execPath, join(EXAMPLES, 'scripted-agent.js')],
      env,
    );
    children.push(run);

    // No terminal: the wrapper prints where the coordinator is and where its admin key lies.
    const announced = await waitFor('the approval announcement', async () => {
      const err = run.output().stderr;
      const pending = /^phasegate: approval (\S+) pending: task (\S+) "Add slugify\(\)", REVIEW → COMPLETE$/m.exec(err);
      const where = /^phasegate: +coordinator (http:\/\/\S+), admin key file (\S+) \(0600\)$/m.exec(err);
      if (run.proc.exitCode !== null) throw new Error(`run exited early:\n${err}`);
      return pending && where ? { id: pending[1] as string, task: pending[2] as string, url: where[1] as string, keyFile: where[2] as string } : undefined;
    }, 90_000);
    expect(announced.keyFile).toBe(join(root, 'state', 'coordinator', 'admin.key'));
    expect((await stat(announced.keyFile)).mode & 0o777).toBe(0o600);

    // The review task ran under the reviewer's own agent id, before the approval was asked for.
    const stderr = run.output().stderr;
    expect(stderr).toMatch(/^phasegate: starting reviewer author-reviewer-1 on \S+: /m);
    expect(stderr).toMatch(/^phasegate: author-reviewer-1: claimed \S+ "Review \S+" in REVIEW as author-reviewer-1$/m);
    // The reviewer's exit is reported once its sandbox is torn down: it may trail the announcement.
    await waitFor('the reviewer to exit', async () => (/^phasegate: reviewer of \S+ exited 0$/m.test(run.output().stderr) ? true : undefined), 30_000);

    const keyEnv = { PHASEGATE_ADMIN_KEY_FILE: announced.keyFile };
    const show = spawnCli(['approvals', 'show', announced.id, '--coordinator', announced.url], keyEnv);
    expect(await show.exited, show.output().stderr).toBe(0);
    expect(show.output().stdout).toMatch(/^review \S+ \(completed, by author-reviewer-1\):\n {4}verdict: approve$/m);
    expect(show.output().stdout).toMatch(/^ {4}src\/slugify\.js$/m);
    const approve = spawnCli(['approve', announced.id, '--coordinator', announced.url], keyEnv);
    expect(await approve.exited, approve.output().stderr).toBe(0);

    expect(await run.exited, run.output().stderr).toBe(0);
    expect(run.output().stderr).toContain('phasegate: phase REVIEW → COMPLETE');
    // Nothing the run started outlives it: no agent, no reviewer, no test process.
    await waitFor('every process in the workspace to be gone', async () => (processesInside(ws).length === 0 ? true : undefined), 10_000);
    // Each agent kept its own audit log in the state dir.
    expect((await readdir(join(root, 'state'))).sort()).toEqual(expect.arrayContaining(['audit', 'audit-author-reviewer-1', 'coordinator']));
  });
});

describe.skipIf(!existsSync('/usr/bin/script'))('embedded phasegate run on a terminal', () => {
  it('asks approve / reject on the terminal (a pseudo-terminal), shows what is approved, and completes', { timeout: 120_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-embedded-tty-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, CLI, 'run', '--workspace', ws, '--title', 'Add slugify()', '--agent-id', 'author', '--reviewer', `${process.execPath} ${join(EXAMPLES, 'review-agent.js')}`, '--', process.execPath, join(EXAMPLES, 'scripted-agent.js')]
      .map(q)
      .join(' ');
    // util-linux `script` runs the wrapper on a pseudo-terminal: stdin and stderr are a TTY.
    const tty = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, PHASEGATE_STATE_DIR: join(root, 'state'), PHASEGATE_LOG_LEVEL: 'silent', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    tty.stdout.on('data', (d) => (screen += String(d)));
    const exited = new Promise<number | null>((r) => tty.once('close', r));
    try {
      await waitFor('the approval prompt', async () => (/approve A-\d+\? \[a\]pprove \/ \[r\]eject/.test(screen) ? true : undefined), 90_000);
      expect(screen).toMatch(/^completion:\r?\n {4}changed_files:/m);
      expect(screen).toMatch(/^review \S+ \(completed, by author-reviewer-1\):\r?\n {4}verdict: approve/m);
      tty.stdin.write('a\r');
      await waitFor('the note question', async () => (screen.includes('note (optional): ') ? true : undefined), 10_000);
      tty.stdin.write('fine by me\r');
      expect(await exited, screen).toBe(0);
      expect(screen).toMatch(/phasegate: approved A-\d+/);
      expect(screen).toContain('phasegate: phase REVIEW → COMPLETE');
      await waitFor('every process in the workspace to be gone', async () => (processesInside(ws).length === 0 ? true : undefined), 10_000);
    } finally {
      if (tty.exitCode === null) tty.kill('SIGKILL');
    }
  });
});
