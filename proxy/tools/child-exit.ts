/** How a spawned command is killed and how its end becomes an exit code; shared by tools/run-command.ts and sandbox/launch.ts. */
import { constants } from 'node:os';

/** SIGKILLs `pid`, or its whole process group when `group` (the child was spawned detached). */
export function sigkill(pid: number | undefined, group: boolean): void {
  if (pid === undefined) return;
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

/** Exit code, or 128 + signal number when killed by a signal (the shell convention: SIGKILL → 137). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal === null ? undefined : constants.signals[signal];
  return 128 + (n ?? 0);
}
