/**
 * Reading a checked path without trusting that it still names what was checked.
 *
 * Attack: between realpath() and open() the agent (via a command it runs) replaces
 * `inside.txt` — or a folder above it — with a symlink to a secret outside the root.
 * Defence: open with O_NOFOLLOW (a symlink as last component fails with ELOOP), then ask
 * where the opened fd really is (dir-anchor.ts) and read only if that is the checked real
 * path — from the fd, never by name again.
 */
import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { KERNEL_FD_PATHS, pathOfFd } from './dir-anchor.js';
import type { RealTarget } from './path-confinement.js';
import { errnoCode, fromOsError, outsideWorkspace, toolFailed } from './tool-errors.js';

// O_NONBLOCK: opening a FIFO planted in the workspace must not hang the sidecar.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Reads a regular file at a confined real path; refuses if it changed under us. */
export async function readVerified(target: RealTarget, maxBytes: number): Promise<Buffer> {
  const fh = await openNoFollow(target);
  try {
    const st = await fh.stat({ bigint: true });
    if (!st.isFile()) throw toolFailed(st.isDirectory() ? 'EISDIR' : 'EINVAL', target.rel);
    await verifyOpenFile(fh, target, st.dev, st.ino);
    if (st.size > BigInt(maxBytes)) throw toolFailed('EFBIG', target.rel, `file larger than ${maxBytes} bytes: ${target.rel}`);
    return await readAll(fh, Number(st.size));
  } finally {
    await fh.close();
  }
}

async function openNoFollow(target: RealTarget): Promise<FileHandle> {
  try {
    return await open(target.abs, READ_FLAGS);
  } catch (err) {
    // ELOOP: the last component became a symlink after the realpath check.
    if (errnoCode(err) === 'ELOOP') throw outsideWorkspace(`path changed to a symlink during access: ${target.rel}`);
    throw fromOsError(err, target.rel);
  }
}

/**
 * Linux: the fd's kernel path must be the checked real path — exact, no re-resolution.
 * Elsewhere: realpath-after-open + inode comparison. That refuses most swaps, but an
 * attacker flipping a folder between our realpath() and lstat() can pass it.
 */
async function verifyOpenFile(fh: FileHandle, target: RealTarget, dev: bigint, ino: bigint): Promise<void> {
  if (KERNEL_FD_PATHS) {
    const where = await pathOfFd(fh.fd).catch(() => undefined);
    if (where !== target.abs) throw outsideWorkspace(`path changed during access: ${target.rel}`);
    return;
  }
  let again: string;
  let now: { dev: bigint; ino: bigint };
  try {
    again = await realpath(target.abs);
    now = await lstat(again, { bigint: true });
  } catch {
    throw outsideWorkspace(`path changed during access: ${target.rel}`);
  }
  if (again !== target.abs || now.dev !== dev || now.ino !== ino) {
    throw outsideWorkspace(`path changed during access: ${target.rel}`);
  }
}

/**
 * Reads the `size` bytes fstat reported, from the fd (readFile() would fstat again and
 * issue an extra read for EOF — two thread-pool round trips on the hot path). A file
 * growing meanwhile is read as of the fstat; one shrinking is read as far as it goes.
 */
async function readAll(fh: FileHandle, size: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  let len = 0;
  while (len < size) {
    const { bytesRead } = await fh.read(buf, len, size - len, len);
    if (bytesRead === 0) break;
    len += bytesRead;
  }
  return buf.subarray(0, len);
}
