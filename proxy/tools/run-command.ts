/**
 * Runs one argv without a shell: no string is ever interpreted by sh, so `;`, `$(…)` and
 * globbing mean nothing here (the policy refuses them earlier anyway).
 *
 * The child gets its own process group (detached). Attack: `sh -c 'sleep 1000 & …'` or a
 * test runner's workers outlive the call — past the timeout, or after the phase changed,
 * still writing files. The whole group is SIGKILLed on timeout and again as soon as the
 * leader exits, so nothing started by the call survives it (except a process that left the
 * group with setsid — see docs/security.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PhasegateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { exitCodeOf, sigkill } from './child-exit.js';
import { OutputCap, OutputTail } from './output-cap.js';
import { fromOsError } from './tool-errors.js';
import type { CommandResult } from './types.js';

export interface ExecSettings {
  /** Real, confined working directory. */
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** Already scrubbed. */
  readonly env: Readonly<Record<string, string>>;
  readonly logger: Logger;
}

/** A command result plus stdout+stderr interleaved as they arrived (capped) and its last 64 KiB. */
export interface ExecOutcome extends CommandResult {
  readonly combined: string;
  readonly tail: string;
}

const TAIL_BYTES = 64 * 1024;
/** After the group is killed, a pipe still held by an escaped process is abandoned after this. */
const DRAIN_GRACE_MS = 1000;

export function execute(argv: readonly string[], s: ExecSettings): Promise<ExecOutcome> {
  const [file, ...args] = argv;
  if (file === undefined || file === '') return Promise.reject(new PhasegateError('invalid_params', 'argv is empty'));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: s.cwd, env: s.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      reject(fromOsError(err, file)); // e.g. a NUL byte in an argument
      return;
    }
    const pid = child.pid;
    const out = new OutputCap(s.maxOutputBytes);
    const errOut = new OutputCap(s.maxOutputBytes);
    const combined = new OutputCap(s.maxOutputBytes);
    const tail = new OutputTail(TAIL_BYTES);
    let timedOut = false;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      s.logger.warn({ argv0: file, timeout_ms: s.timeoutMs }, 'command_timed_out');
      sigkill(pid, true);
    }, s.timeoutMs);
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
    };
    child.stdout?.on('data', (c: Buffer) => (out.push(c), combined.push(c), tail.push(c)));
    child.stderr?.on('data', (c: Buffer) => (errOut.push(c), combined.push(c), tail.push(c)));
    child.once('error', (err) => {
      if (settled) return;
      finish();
      sigkill(pid, true);
      reject(fromOsError(err, file));
    });
    child.once('exit', () => {
      sigkill(pid, true);
      grace = setTimeout(() => (child.stdout?.destroy(), child.stderr?.destroy()), DRAIN_GRACE_MS);
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      finish();
      const note = timedOut ? `\n[phasegate] timed out after ${s.timeoutMs} ms; process group killed\n` : '';
      resolve({
        exit_code: exitCodeOf(code, signal),
        stdout: out.text(),
        stderr: errOut.text() + note,
        duration_ms: Math.round(performance.now() - started),
        truncated: out.truncated || errOut.truncated,
        combined: combined.text() + note,
        tail: tail.text() + note,
      });
    });
  });
}
