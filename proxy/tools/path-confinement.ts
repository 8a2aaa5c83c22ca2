/**
 * Symlink-aware confinement: turns a policy-normalized relative path into the real absolute
 * path it names, refuses it if that is outside the root, and runs the policy's glob
 * re-check on the REAL relative path (so `docs/link -> ../src/a.ts` is judged as src/a.ts).
 *
 * This is the check half; the use half (safe-read.ts, safe-write.ts) re-verifies after
 * opening, because a symlink can be swapped in between the two (TOCTOU).
 */
import { realpathSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { isInsideRoot, normalizeWorkspacePath } from '../../core/policy/index.js';
import type { RealPathCheck } from './types.js';
import { errnoCode, fromOsError, outsideWorkspace, toolFailed } from './tool-errors.js';

/** A target after symlink resolution: `abs` real absolute path, `rel` relative to the root. */
export interface RealTarget {
  readonly abs: string;
  readonly rel: string;
}

/** A target that may not exist yet, plus the folders that must be created for it (outermost first). */
export interface CreateTarget extends RealTarget {
  readonly missingDirs: readonly string[];
}

/**
 * Defence in depth: the policy already normalized the path, but a caller that skipped it
 * must not get `..`, an absolute path or a NUL byte through to the file system.
 */
export function checkInput(path: string): string {
  const n = normalizeWorkspacePath(path);
  if (!n.ok) throw outsideWorkspace(n.message);
  return n.path;
}

export function toRel(root: string, abs: string): string {
  const rel = relative(root, abs);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** Refuses a real path outside the root — the `/ws` vs `/ws_secret` prefix test lives in isInsideRoot. */
export function confine(root: string, realAbs: string, shown: string): RealTarget {
  if (!isInsideRoot(root, realAbs)) throw outsideWorkspace(`path resolves outside the workspace: ${shown}`);
  return { abs: realAbs, rel: toRel(root, realAbs) };
}

/** An existing target, every symlink (last component and folders in the middle) resolved. */
export async function resolveExisting(root: string, path: string, recheck: RealPathCheck): Promise<RealTarget> {
  const rel = checkInput(path);
  let real: string;
  try {
    // Synchronous for the same reason as safe-read.ts: one syscall, not a thread-pool hop.
    real = realpathSync.native(join(root, rel));
  } catch (err) {
    throw fromOsError(err, rel);
  }
  const target = confine(root, real, rel);
  recheck(target.rel);
  return target;
}

/**
 * A target to write: the real path of its deepest existing ancestor plus the components that
 * do not exist yet. A new file under a symlinked parent is therefore judged by where the
 * parent really is (`link-to-outside/new.txt` is refused before anything is created).
 */
export async function resolveForCreate(root: string, path: string, recheck: RealPathCheck): Promise<CreateTarget> {
  const rel = checkInput(path);
  if (rel === '.') throw toolFailed('EISDIR', rel);
  const parts = rel.split('/');
  for (let attempt = 0; ; attempt++) {
    const target = await resolveOnce(root, rel, parts, recheck);
    if (target !== undefined) return target;
    // A missing folder appeared between realpath() and lstat(): another write created it
    // (two calls, or the parallel apply of a command's changes, writing into one new folder).
    // Resolve again from the top; a path that keeps changing under us is refused.
    if (attempt === 2) throw outsideWorkspace(`path changed during access: ${rel}`);
  }
}

/** One resolution; undefined when the first missing component appeared meanwhile. */
async function resolveOnce(root: string, rel: string, parts: readonly string[], recheck: RealPathCheck): Promise<CreateTarget | undefined> {
  for (let i = parts.length; i >= 0; i--) {
    let base: string;
    try {
      base = await realpath(join(root, ...parts.slice(0, i)));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue;
      throw fromOsError(err, rel);
    }
    const rest = parts.slice(i);
    if (rest.length > 0 && (await appeared(join(base, rest[0] as string), rel))) return undefined;
    const target = confine(root, join(base, ...rest), rel);
    recheck(target.rel);
    const missingDirs = rest.slice(0, -1).map((_, k) => join(base, ...rest.slice(0, k + 1)));
    return { ...target, missingDirs };
  }
  throw toolFailed('ENOENT', rel); // unreachable while the root exists
}

/**
 * realpath() said ENOENT, yet something is there. A symlink is dangling: where it would lead
 * once its target appears cannot be confined ahead of time, so it is refused. Anything else
 * was created after realpath() looked: the caller resolves again.
 */
async function appeared(abs: string, shown: string): Promise<boolean> {
  let link: boolean;
  try {
    link = (await lstat(abs)).isSymbolicLink();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw fromOsError(err, shown);
  }
  if (link) throw outsideWorkspace(`path is a dangling symlink: ${shown}`);
  return true;
}

/**
 * The directory entry itself (for delete): real parent + last name, so deleting a symlink
 * removes the link, never the file it points to. A link whose target is outside the root is
 * still refused (SPEC §5 path rules); the glob re-check runs on the entry being removed.
 */
export async function resolveEntry(root: string, path: string, recheck: RealPathCheck): Promise<RealTarget> {
  const rel = checkInput(path);
  if (rel === '.') throw toolFailed('EISDIR', rel);
  let parent: string;
  try {
    parent = await realpath(join(root, dirname(rel)));
  } catch (err) {
    throw fromOsError(err, rel);
  }
  const entry = confine(root, join(parent, basename(rel)), rel);
  let isLink: boolean;
  try {
    isLink = (await lstat(entry.abs)).isSymbolicLink();
  } catch (err) {
    throw fromOsError(err, rel);
  }
  if (isLink) {
    let linkTarget: string;
    try {
      linkTarget = await realpath(entry.abs);
    } catch {
      throw outsideWorkspace(`path is a dangling symlink: ${rel}`);
    }
    confine(root, linkTarget, rel);
  }
  recheck(entry.rel);
  return entry;
}
