/** Child processes of the e2e tests: the compiled `phasegate` CLI, run for real. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = resolve(REPO, 'dist/proxy/cli/main.js');
export const EXAMPLES = resolve(REPO, 'dist/examples');

export interface CliProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/** Runs `phasegate ARGS…` with the test's environment plus `env`, output captured. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d) => (stdout += String(d)));
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  return { proc, exited, output: () => ({ stdout, stderr }) };
}

/** `phasegate coordinator --port 0`; resolves with its URL, read from the first stdout line. */
export async function spawnCoordinator(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliProcess & { url: string }> {
  const child = spawnCli(['coordinator', '--port', '0', ...args], env);
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.proc.stdout! }).once('line', (line) => ok(line.trim()));
    void child.exited.then((code) => fail(new Error(`coordinator exited ${code}: ${child.output().stderr}`)));
  });
  return { ...child, url };
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * PIDs of live processes whose working directory is inside `root`. The agents and every
 * command the sidecar runs for them (npm test, node --test) work in the workspace, so this
 * finds any of them left behind, whoever their parent was.
 */
export function processesInside(root: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === root || cwd.startsWith(root + '/')) found.push(Number(entry));
    } catch {
      // gone already, or not ours to inspect
    }
  }
  return found;
}

/** Polls `check` until it yields a value; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
