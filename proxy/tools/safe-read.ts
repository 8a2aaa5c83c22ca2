/**
 * Reading a checked path without trusting that it still names what was checked.
 *
 * Attack: between realpath() and open() the agent (via a command it runs) replaces
 * `inside.txt` — or a folder above it — with a symlink to a secret outside the root.
 * Defence: open with O_NOFOLLOW (a symlink as last component fails with ELOOP), then ask
 * where the opened fd really is (dir-anchor.ts) and read only if that is the checked real
 * path — from the fd, never by name again.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readlinkSync, realpathSync } from 'node:fs';
import { KERNEL_FD_PATHS, PROC_FD } from './dir-anchor.js';
import type { RealTarget } from './path-confinement.js';
import { errnoCode, fromOsError, outsideWorkspace, toolFailed } from './tool-errors.js';

// O_NONBLOCK: opening a FIFO planted in the workspace must not hang the sidecar.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/*
 * Synchronous on purpose: every async fs call is a libuv thread-pool round trip (tens of µs
 * on this class of machine) and a verified read needs six of them; the same syscalls on a
 * local disk take a few µs each. A sidecar serves one agent, so briefly holding its event
 * loop costs less than the hops (the audit append is synchronous for the same reason).
 */

/** Reads a regular file at a confined real path; refuses if it changed under us. */
export async function readVerified(target: RealTarget, maxBytes: number): Promise<Buffer> {
  const fd = openNoFollow(target);
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw toolFailed(st.isDirectory() ? 'EISDIR' : 'EINVAL', target.rel);
    verifyOpenFile(fd, target, st.dev, st.ino);
    if (st.size > BigInt(maxBytes)) throw toolFailed('EFBIG', target.rel, `file larger than ${maxBytes} bytes: ${target.rel}`);
    return readAll(fd, Number(st.size));
  } finally {
    closeSync(fd);
  }
}

function openNoFollow(target: RealTarget): number {
  try {
    return openSync(target.abs, READ_FLAGS);
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
function verifyOpenFile(fd: number, target: RealTarget, dev: bigint, ino: bigint): void {
  if (KERNEL_FD_PATHS) {
    let where: string | undefined;
    try {
      where = readlinkSync(`${PROC_FD}/${fd}`);
    } catch {
      where = undefined;
    }
    if (where !== target.abs) throw outsideWorkspace(`path changed during access: ${target.rel}`);
    return;
  }
  let again: string;
  let now: { dev: bigint; ino: bigint };
  try {
    again = realpathSync.native(target.abs);
    now = lstatSync(again, { bigint: true });
  } catch {
    throw outsideWorkspace(`path changed during access: ${target.rel}`);
  }
  if (again !== target.abs || now.dev !== dev || now.ino !== ino) {
    throw outsideWorkspace(`path changed during access: ${target.rel}`);
  }
}

/**
 * Reads the `size` bytes fstat reported, from the fd. A file growing meanwhile is read as
 * of the fstat; one shrinking is read as far as it goes.
 */
function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let len = 0;
  while (len < size) {
    const bytesRead = readSync(fd, buf, len, size - len, len);
    if (bytesRead === 0) break;
    len += bytesRead;
  }
  return buf.subarray(0, len);
}
