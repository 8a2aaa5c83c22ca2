/**
 * Logs for people on a terminal, JSON for machines (issue 11 §5): JSON lines when stderr is
 * not a terminal or with --log-format json, readable lines with --log-format text or on a
 * terminal (a pseudo-terminal made by util-linux `script`), colours only on a terminal and
 * never with NO_COLOR.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { colourWanted } from '../../proxy/cli/colour.js';
import { prettyLine } from '../../proxy/cli/log-pretty.js';
import { REPO_CONTRACT } from '../coordinator/http/helpers.js';
import { CLI, isAlive, spawnCli, waitFor, type CliProcess } from '../e2e/processes.js';

const children: { pid: number | undefined; kill: () => void }[] = [];
let root: string | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (isAlive(c.pid)) c.kill();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** `phasegate coordinator` until its listening line shows up in stderr. */
async function coordinatorLogs(extra: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  root ??= await mkdtemp(join(tmpdir(), 'phasegate-logs-'));
  const child: CliProcess = spawnCli(['coordinator', '--port', '0', '--data', join(root, `d${children.length}`), '--contract', REPO_CONTRACT, ...extra], { PHASEGATE_LOG_LEVEL: 'info', ...env });
  children.push({ pid: child.proc.pid, kill: () => child.proc.kill('SIGKILL') });
  return waitFor('the listening log line', async () => (/coordinator listening/.test(child.output().stderr.split('\n').filter((l) => !l.startsWith('coordinator listening on')).join('\n')) ? child.output().stderr : undefined), 20_000);
}

describe('log format', () => {
  it('is JSON lines when stderr is not a terminal', { timeout: 30_000 }, async () => {
    const err = await coordinatorLogs([]);
    const record = err.split('\n').find((l) => l.includes('"coordinator_listening"'));
    expect(JSON.parse(record as string)).toMatchObject({ event: 'coordinator_listening', level: 30 });
  });

  it('is readable lines with --log-format text, uncoloured in a pipe', { timeout: 30_000 }, async () => {
    const err = await coordinatorLogs(['--log-format', 'text']);
    expect(err).toMatch(/^\d\d:\d\d:\d\d INFO  coordinator coordinator listening {2}url=http:\/\/127\.0\.0\.1:\d+ /m);
    expect(err).not.toContain('{"level"');
    expect(err).not.toContain('\x1b[');
  });

  it('refuses an unknown format with exit 2', async () => {
    const bad = spawnCli(['--log-format', 'xml', 'task', 'list']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toBe('phasegate: --log-format must be json or text, got "xml"\n');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal: readable and coloured, unless NO_COLOR', { timeout: 40_000 }, async () => {
    root ??= await mkdtemp(join(tmpdir(), 'phasegate-logs-'));
    const onTty = async (env: NodeJS.ProcessEnv, data: string): Promise<string> => {
      const command = `${process.execPath} ${CLI} coordinator --port 0 --data ${join(root as string, data)} --contract ${REPO_CONTRACT}`;
      const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, PHASEGATE_LOG_LEVEL: 'info', TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      children.push({ pid: child.pid, kill: () => child.kill('SIGKILL') });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      return waitFor('the listening log line on the terminal', async () => (/INFO.*coordinator listening/.test(out) ? out : undefined), 20_000);
    };
    const coloured = await onTty({}, 'tty1');
    expect(coloured).toMatch(/\x1b\[32mINFO \x1b\[0m/);
    expect(coloured).not.toContain('{"level"');
    const plain = await onTty({ NO_COLOR: '1' }, 'tty2');
    expect(plain).toMatch(/\d\d:\d\d:\d\d INFO  coordinator coordinator listening/);
    expect(plain).not.toContain('\x1b[');
  });
});

describe('colour and line rendering', () => {
  it('colour only on a TTY, never with NO_COLOR or TERM=dumb', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('escapes what a record carries', () => {
    const line = prettyLine(JSON.stringify({ level: 30, time: 0, svc: 'sidecar', msg: 'tool_call_denied', tool: 'x\n\x1b[2Jforged' }), false);
    expect(line).toBe('00:00:00 INFO  sidecar tool_call_denied  tool=x\\x0a\\x1b[2Jforged');
  });
});
