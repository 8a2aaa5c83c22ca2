/**
 * How the example agents show what happens: one readable line per step on stderr (stdout
 * stays free for whatever an agent wants to output), and helpers that try a call the
 * contract forbids and insist that it is refused for the expected reason.
 */
import { PolicyDeniedError, type TransitionResult } from '../sdk/index.js';

export function say(who: string, line: string): void {
  process.stderr.write(`[${who}] ${line}\n`);
}

/** Attempts `call`; returns normally only if the sidecar refused it with `reason`. */
export async function expectRefusal(who: string, what: string, reason: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (err instanceof PolicyDeniedError && err.reason === reason) {
      say(who, `  refused: ${what} → ${err.reason} (${err.message})`);
      return;
    }
    throw err;
  }
  throw new Error(`${what}: expected a refusal with ${reason}, but the call was allowed`);
}

/** Asserts a transition was blocked and prints its blockers; returns their codes. */
export function expectBlocked(who: string, what: string, result: TransitionResult): string[] {
  if (result.allowed || !('blockers' in result)) throw new Error(`${what}: expected blockers, got ${JSON.stringify(result)}`);
  const codes = result.blockers.map((b) => b.code);
  say(who, `  refused: ${what} → blocked by ${result.blockers.map((b) => `${b.code} (${b.message})`).join('; ')}`);
  return codes;
}

/** Asserts a transition was applied and returns the new phase. */
export function expectApplied(who: string, result: TransitionResult): string {
  if (!result.allowed) throw new Error(`transition refused: ${JSON.stringify(result)}`);
  say(who, `phase → ${result.phase}`);
  return result.phase;
}

/** Runs an agent's main and turns any failure into a one-line message and exit code 1. */
export function runMain(who: string, main: () => Promise<void>): void {
  main().then(
    () => {
      process.exitCode = 0;
    },
    (err: unknown) => {
      const e = err as Error & { reason?: string };
      say(who, `FAILED: ${e.reason === undefined ? '' : `[${e.reason}] `}${e.message}`);
      process.exitCode = 1;
    },
  );
}
