/** Runs the compiled `phasegate coordinator` as a child process and reads its URL from the first stdout line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const CLI = resolve(import.meta.dirname, '../../../dist/proxy/cli/main.js');

export interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnCoordinator(args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  const proc = spawn(process.execPath, [CLI, 'coordinator', '--port', '0', ...args], {
    env: { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', (line) => ok(line.trim()));
    void exited.then(({ code }) => fail(new Error(`coordinator exited ${code} before printing its URL: ${stderr}`)));
  });
  return { proc, url, exited };
}
