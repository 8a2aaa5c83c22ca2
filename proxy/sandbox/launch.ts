/**
 * Spawns a rendered sandbox and captures its output like tools/run-command.ts does (capped,
 * tail kept for test counts), plus the setup's status channel on fd 3.
 *
 * Nothing outlives the call: the command is not PID 1 of its PID namespace, the setup
 * program is, and it exits as soon as the command does; the kernel then kills every
 * process left in the namespace (a `setsid`/`nohup … &` daemon included) before `unshare`,
 * which waits for it, exits. On timeout PID 1 itself is killed (same effect). So when this
 * resolves, no process of the call is alive and the overlay's upper folder is quiescent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Logger } from '../../core/log.js';
import { exitCodeOf, sigkill } from '../tools/child-exit.js';
import { OutputCap, OutputTail } from '../tools/output-cap.js';

export interface LaunchSettings {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly env: Readonly<Record<string, string>>;
  readonly logger: Logger;
}

export interface Ran {
  readonly kind: 'ran';
  readonly exit_code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly duration_ms: number;
  readonly truncated: boolean;
  readonly combined: string;
  readonly tail: string;
}

export type LaunchOutcome =
  | Ran
  /** The sandbox could not be built (`detail` says which step); the command did not run. */
  | { readonly kind: 'setup_failed'; readonly detail: string }
  /** The sandbox was built but the program could not be executed (ENOENT, EACCES…). */
  | { readonly kind: 'not_executed'; readonly errno: string };

const TAIL_BYTES = 64 * 1024;
const DRAIN_GRACE_MS = 1000;
/** If PID 1 was killed and unshare still has not exited, the whole group goes. */
const KILL_ESCALATION_MS = 3000;
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([k, v]) => [v, k]));

/** Status lines of setup-script.ts. */
class Status {
  pid1: number | undefined;
  ready = false;
  failure: string | undefined;
  execErrno: string | undefined;
  /** The command's exit code, once every process of the sandbox but PID 1 is dead. */
  done: number | undefined;
  private rest = '';

  push(chunk: Buffer): void {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      const tag = line.slice(0, 1);
      const value = line.slice(2);
      if (tag === 'P') this.pid1 = Number(value);
      else if (tag === 'R') this.ready = true;
      else if (tag === 'X') this.failure = value;
      else if (tag === 'E') this.execErrno = ERRNO_NAMES.get(Number(value)) ?? `errno ${value}`;
      else if (tag === 'D') this.done = Number(value);
    }
  }
}

export function launch(file: string, args: readonly string[], s: LaunchSettings): Promise<LaunchOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: '/', env: s.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(err);
      return;
    }
    const pid = child.pid;
    const status = new Status();
    const out = new OutputCap(s.maxOutputBytes);
    const errOut = new OutputCap(s.maxOutputBytes);
    const combined = new OutputCap(s.maxOutputBytes);
    const tail = new OutputTail(TAIL_BYTES);
    let timedOut = false;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    let escalate: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      s.logger.warn({ timeout_ms: s.timeoutMs }, 'command_timed_out');
      // Killing PID 1 tears the namespace down; before PID 1 reported, unshare's --kill-child does it.
      if (status.pid1 !== undefined) sigkill(status.pid1, false);
      else sigkill(pid, true);
      escalate = setTimeout(() => sigkill(pid, true), KILL_ESCALATION_MS);
    }, s.timeoutMs);
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      clearTimeout(escalate);
    };
    const stdio = child.stdio;
    let open = 2;
    const ran = (exitCode: number): Ran => {
      const note = timedOut ? `\n[phasegate] timed out after ${s.timeoutMs} ms; every process of the command was killed\n` : '';
      return {
        kind: 'ran',
        exit_code: exitCode,
        stdout: out.text(),
        stderr: errOut.text() + note,
        duration_ms: Math.round(performance.now() - started),
        truncated: out.truncated || errOut.truncated,
        combined: combined.text() + note,
        tail: tail.text() + note,
      };
    };
    // Fast path: PID 1 said every process is dead and the output pipes are closed. The
    // kernel's teardown of the namespaces (mounts, network) then runs while we go on.
    const maybeDone = (): void => {
      if (settled || open > 0 || status.done === undefined || timedOut) return;
      finish();
      resolve(status.execErrno === undefined ? ran(status.done) : { kind: 'not_executed', errno: status.execErrno });
    };
    (stdio[3] as NodeJS.ReadableStream | null)?.on('data', (c: Buffer) => (status.push(c), maybeDone()));
    child.stdout?.on('data', (c: Buffer) => (out.push(c), combined.push(c), tail.push(c)));
    child.stderr?.on('data', (c: Buffer) => (errOut.push(c), combined.push(c), tail.push(c)));
    for (const p of [child.stdout, child.stderr]) p?.once('close', () => (open--, maybeDone()));
    child.once('error', (err) => {
      if (settled) return;
      finish();
      sigkill(pid, true);
      reject(err);
    });
    child.once('exit', () => {
      sigkill(pid, true);
      grace = setTimeout(() => {
        for (const p of stdio) (p as NodeJS.ReadableStream & { destroy?: () => void } | null)?.destroy?.();
      }, DRAIN_GRACE_MS);
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      finish();
      if (!status.ready) {
        const why = status.failure ?? (timedOut ? 'timed out while building the sandbox' : `launcher exited with ${exitCodeOf(code, signal)}: ${errOut.text().trim().slice(0, 500)}`);
        resolve({ kind: 'setup_failed', detail: why });
        return;
      }
      if (status.execErrno !== undefined) {
        resolve({ kind: 'not_executed', errno: status.execErrno });
        return;
      }
      // Killed by us: SIGKILL's 137, whatever unshare made of its child's death.
      resolve(ran(timedOut ? 137 : exitCodeOf(code, signal)));
    });
  });
}
