/**
 * The coordinator checks its port and locks its data dir before it writes anything: a port in
 * use leaves no key or store behind, and a second coordinator on one data dir is refused
 * (two would hand out the same event seqs and ids). A lock left by a killed one is taken over.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { createLogger } from '../../core/log.js';
import { REPO_CONTRACT } from '../coordinator/http/helpers.js';
import { isAlive, spawnCli, spawnCoordinator, type CliProcess } from '../e2e/processes.js';

const silent = createLogger('start-test', 'silent');
let root: string | undefined;
const running: RunningCoordinator[] = [];
const children: CliProcess[] = [];
let blocker: Server | undefined;
afterEach(async () => {
  for (const c of running.splice(0)) await c.close();
  for (const c of children.splice(0)) if (isAlive(c.proc.pid)) c.proc.kill('SIGKILL');
  await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
  blocker = undefined;
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

const start = (dataDir: string, port = 0) => startCoordinator({ dataDir, port, contractFile: REPO_CONTRACT, env: {}, logger: silent });

describe('coordinator start', () => {
  it('a port in use is refused by name, and nothing is created', async () => {
    root = await mkdtemp(join(tmpdir(), 'phasegate-start-'));
    blocker = createServer();
    await new Promise<void>((r) => blocker?.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const data = join(root, 'data');
    await expect(start(data, port)).rejects.toThrow(`port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`);
    expect(existsSync(data)).toBe(false);
  });

  it('a second coordinator on the same data dir is refused before it writes anything', async () => {
    root = await mkdtemp(join(tmpdir(), 'phasegate-start-'));
    const data = join(root, 'data');
    const first = await start(data);
    running.push(first);
    const before = (await readdir(data)).sort();
    await expect(start(data)).rejects.toThrow(new RegExp(`another coordinator \\(pid ${process.pid}\\) is using the data dir ${data}`));
    expect((await readdir(data)).sort()).toEqual(before);
    // The first one is untouched and still serves.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await first.close();
    running.splice(0);
    running.push(await start(data)); // released on close: the next one starts
  });

  it('between processes: refused while the first runs, taken over after it was killed', { timeout: 60_000 }, async () => {
    root = await mkdtemp(join(tmpdir(), 'phasegate-start-'));
    const data = join(root, 'data');
    const args = ['--data', data, '--contract', REPO_CONTRACT];
    const first = await spawnCoordinator(args, {});
    children.push(first);
    const second = spawnCli(['coordinator', '--port', '0', ...args]);
    children.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output().stderr).toContain(`phasegate coordinator: another coordinator (pid ${first.proc.pid}) is using the data dir ${data}`);
    first.proc.kill('SIGKILL');
    await first.exited;
    const third = await spawnCoordinator(args, {});
    children.push(third);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
  });
});
