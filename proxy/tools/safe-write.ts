/**
 * Changing a checked path without following a symlink swapped in after the check.
 *
 * Writes never open the target by name: the content goes to a temp file created
 * exclusively (O_CREAT|O_EXCL|O_NOFOLLOW — it cannot be a pre-planted symlink) in the real
 * parent folder, the temp file's path and inode are re-verified (so the parent was not
 * swapped for a symlink meanwhile), and rename() puts it in place. rename() replaces a
 * symlink at the target instead of writing through it, and it also breaks a hard link, so
 * the write can never land in a file outside the root that a link pointed to.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { confine, type CreateTarget, type RealTarget } from './path-confinement.js';
import { verifySameFile } from './safe-read.js';
import { errnoCode, fromOsError, outsideWorkspace, toolFailed } from './tool-errors.js';

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Writes `data` to a confined target (creating missing parent folders) atomically. */
export async function writeVerified(root: string, target: CreateTarget, data: Uint8Array): Promise<void> {
  for (const dir of target.missingDirs) await makeConfinedDir(root, dir, target.rel);
  const mode = await existingFileMode(target);
  const tmp = join(dirname(target.abs), `.pg-${randomBytes(8).toString('hex')}.tmp`);
  const fh = await openTemp(tmp, target.rel);
  let placed = false;
  try {
    await fh.writeFile(data);
    // Keep an overwritten script executable: the mode is the file's, not the temp's.
    if (mode !== undefined) await fh.chmod(mode);
    const st = await fh.stat({ bigint: true });
    await verifySameFile({ abs: tmp, rel: target.rel }, st.dev, st.ino);
    await rename(tmp, target.abs);
    placed = true;
  } catch (err) {
    throw fromOsError(err, target.rel);
  } finally {
    await fh.close();
    if (!placed) await unlink(tmp).catch(() => undefined);
  }
}

/** Removes a directory entry (a file or a symlink itself; unlink never follows the last component). */
export async function unlinkVerified(target: RealTarget): Promise<void> {
  try {
    const st = await lstat(target.abs);
    if (st.isDirectory()) throw toolFailed('EISDIR', target.rel);
    await verifyParent(target);
    await unlink(target.abs);
  } catch (err) {
    throw fromOsError(err, target.rel);
  }
}

/** The parent folder must still be where it was checked (not swapped for a symlink out). */
async function verifyParent(target: RealTarget): Promise<void> {
  const parent = dirname(target.abs);
  const again = await realpath(parent).catch(() => undefined);
  if (again !== parent) throw outsideWorkspace(`parent folder changed during access: ${target.rel}`);
}

async function openTemp(tmp: string, shown: string): Promise<FileHandle> {
  try {
    return await open(tmp, TEMP_FLAGS, 0o666);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ELOOP' || code === 'EEXIST') throw outsideWorkspace(`temp file was pre-empted: ${shown}`);
    throw fromOsError(err, shown);
  }
}

async function existingFileMode(target: RealTarget): Promise<number | undefined> {
  try {
    const st = await lstat(target.abs);
    if (st.isDirectory()) throw toolFailed('EISDIR', target.rel);
    return st.isFile() ? st.mode & 0o7777 : undefined;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw fromOsError(err, target.rel);
  }
}

/**
 * Creates one missing folder and proves it is a real folder inside the root: a symlink
 * planted in its place (EEXIST) or a parent swapped meanwhile makes realpath differ.
 */
async function makeConfinedDir(root: string, dir: string, shown: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw fromOsError(err, shown);
  }
  const real = await realpath(dir).catch(() => undefined);
  if (real !== dir) throw outsideWorkspace(`folder changed during creation: ${shown}`);
  confine(root, real, shown);
}
