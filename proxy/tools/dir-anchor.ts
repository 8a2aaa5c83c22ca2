/**
 * openat() for Node, on Linux. Node has no openat/openat2(RESOLVE_BENEATH), so every fs call
 * re-resolves its path — and a folder on that path can be swapped for a symlink out between
 * our check and our use. Two Linux facts close that window:
 *
 * - `readlink('/proc/self/fd/N')` is the kernel's own answer to "where is the file I hold
 *   open?" — no path is re-resolved, so no swap can fool it (unlike realpath + lstat, which
 *   an attacker can flip between: our race test caught exactly that).
 * - `/proc/self/fd/N/name` resolves `name` inside the folder the fd holds, wherever that folder
 *   is now: file creation, rename, mkdir and unlink through it behave like the *at() calls.
 *
 * Elsewhere (no procfs) both fall back to path re-checks, which narrow the window but do not
 * close it; docs/security.md says so.
 */
import { constants, existsSync } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, fromOsError, outsideWorkspace } from './tool-errors.js';

export const PROC_FD = '/proc/self/fd';
/** Probed once: the kernel can name an open fd's location. */
export const KERNEL_FD_PATHS = process.platform === 'linux' && existsSync(PROC_FD);

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Where the kernel says fd is, or undefined where it cannot tell. */
export async function pathOfFd(fd: number): Promise<string | undefined> {
  return KERNEL_FD_PATHS ? readlink(`${PROC_FD}/${fd}`) : undefined;
}

/** A folder held open and proven to be at `abs`; `at(name)` names an entry in THAT folder. */
export interface DirAnchor {
  readonly abs: string;
  at(name: string): string;
  /** Re-proves the folder is still at `abs` right before a change (only needed without procfs). */
  verify(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the folder reached by `openPath` (a plain path, or `parent.at(name)`) and proves it
 * is the real folder `abs`. A symlink as last component fails O_NOFOLLOW; a swapped folder
 * higher up shows in the fd's kernel path.
 */
export async function anchorDir(openPath: string, abs: string, shown: string): Promise<DirAnchor> {
  if (!KERNEL_FD_PATHS) {
    const verify = async (): Promise<void> => {
      const real = await realpath(abs).catch(() => undefined);
      if (real !== abs) throw outsideWorkspace(`folder changed during access: ${shown}`);
    };
    await verify();
    return { abs, at: (name) => join(abs, name), verify, close: async () => undefined };
  }
  let fh: FileHandle;
  try {
    fh = await open(openPath, DIR_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ELOOP' || code === 'ENOTDIR') throw outsideWorkspace(`folder changed during access: ${shown}`);
    throw fromOsError(err, shown);
  }
  if ((await pathOfFd(fh.fd).catch(() => undefined)) !== abs) {
    await fh.close();
    throw outsideWorkspace(`folder changed during access: ${shown}`);
  }
  const fd = fh.fd;
  const at = (name: string): string => `${PROC_FD}/${fd}/${name}`;
  return { abs, at, verify: async () => undefined, close: () => fh.close() };
}
