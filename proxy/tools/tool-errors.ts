/**
 * The two ways a workspace operation fails: the target is (or became) outside the root,
 * or the operation ran and the OS said no.
 */
import { PhasegateError } from '../../core/errors.js';

export function outsideWorkspace(message: string): PhasegateError {
  return new PhasegateError('path_outside_workspace', message);
}

/** `tool_failed` whose `detail` says why (by default "CODE: subject", e.g. "ENOENT: src/a.ts"); `errno` is the code. */
export function toolFailed(code: string, subject: string, message = `${code}: ${subject}`): PhasegateError {
  return new PhasegateError('tool_failed', message, { detail: message, errno: code });
}

/** True for a `tool_failed` raised from the OS error `code` (e.g. a file deleted meanwhile: ENOENT). */
export function isToolFailure(err: unknown, code: string): boolean {
  return err instanceof PhasegateError && err.code === 'tool_failed' && err.detail?.['errno'] === code;
}

/** Maps an fs/spawn error to `tool_failed`; anything without an errno code is rethrown as is. */
export function fromOsError(err: unknown, subject: string): PhasegateError {
  if (err instanceof PhasegateError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return toolFailed(code, subject);
  return toolFailed('EUNKNOWN', subject, err instanceof Error ? err.message : String(err));
}

export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
