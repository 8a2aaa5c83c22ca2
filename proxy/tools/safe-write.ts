/**
 * Changing a checked path without following a symlink swapped in after the check.
 *
 * Every change happens inside a folder held open and proven to be the checked real folder
 * (dir-anchor.ts), so a parent swapped for a symlink out cannot redirect it. Writes never
 * open the target: the content goes to a temp file created exclusively (O_CREAT|O_EXCL|
 * O_NOFOLLOW — it cannot be a pre-planted symlink) and rename() puts it in place. rename()
 * replaces a symlink at the target instead of writing through it, and breaks a hard link,
 * so a write never lands in an outside file that a link pointed to.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { anchorDir, type DirAnchor } from './dir-anchor.js';
import { confine, type CreateTarget, type RealTarget } from './path-confinement.js';
import { errnoCode, fromOsError, outsideWorkspace, toolFailed } from './tool-errors.js';

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `data` to a confined target atomically, creating missing parent folders one by one.
 * `mode` (permission bits only) applies to a new file; an overwritten file keeps its own.
 */
export async function writeVerified(root: string, target: CreateTarget, data: Uint8Array, mode?: number): Promise<void> {
  const first = target.missingDirs[0];
  const existing = first === undefined ? dirname(target.abs) : dirname(first);
  let dir = await anchorDir(existing, existing, target.rel);
  try {
    for (const abs of target.missingDirs) {
      const child = await makeDirIn(root, dir, abs, target.rel);
      await dir.close();
      dir = child;
    }
    await replaceIn(dir, basename(target.abs), data, target.rel, mode);
  } finally {
    await dir.close();
  }
}

/** Removes a directory entry (a file or a symlink itself; unlink never follows the last component). */
export async function unlinkVerified(target: RealTarget): Promise<void> {
  const dir = await anchorDir(dirname(target.abs), dirname(target.abs), target.rel);
  const entry = dir.at(basename(target.abs));
  try {
    if ((await lstat(entry)).isDirectory()) throw toolFailed('EISDIR', target.rel);
    await dir.verify();
    await unlink(entry);
  } catch (err) {
    throw fromOsError(err, target.rel);
  } finally {
    await dir.close();
  }
}

async function replaceIn(dir: DirAnchor, name: string, data: Uint8Array, shown: string, newMode?: number): Promise<void> {
  const mode = (await existingFileMode(dir.at(name), shown)) ?? (newMode === undefined ? undefined : newMode & 0o777);
  const tmp = dir.at(`.pg-${randomBytes(8).toString('hex')}.tmp`);
  const fh = await openTemp(tmp, shown);
  let placed = false;
  try {
    await fh.writeFile(data);
    // Keep an overwritten script executable: the mode is the file's, not the temp's.
    if (mode !== undefined) await fh.chmod(mode);
    await dir.verify();
    await rename(tmp, dir.at(name));
    placed = true;
  } catch (err) {
    throw fromOsError(err, shown);
  } finally {
    await fh.close();
    if (!placed) await unlink(tmp).catch(() => undefined);
  }
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

async function existingFileMode(entry: string, shown: string): Promise<number | undefined> {
  try {
    const st = await lstat(entry);
    if (st.isDirectory()) throw toolFailed('EISDIR', shown);
    return st.isFile() ? st.mode & 0o7777 : undefined;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw fromOsError(err, shown);
  }
}

/**
 * Creates one missing folder inside `parent` and anchors it. A symlink planted in its place
 * (EEXIST, then O_NOFOLLOW fails) is refused, so no later component is created through it.
 */
async function makeDirIn(root: string, parent: DirAnchor, abs: string, shown: string): Promise<DirAnchor> {
  confine(root, abs, shown);
  const entry = parent.at(basename(abs));
  try {
    await mkdir(entry);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw fromOsError(err, shown);
  }
  return anchorDir(entry, abs, shown);
}
