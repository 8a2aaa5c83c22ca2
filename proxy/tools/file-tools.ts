/** read_file, write_file, edit_file, delete_file: confinement check, then a verified use. */
import { resolveEntry, resolveExisting, resolveForCreate } from './path-confinement.js';
import { readVerified } from './safe-read.js';
import { unlinkVerified, writeVerified } from './safe-write.js';
import { toolFailed } from './tool-errors.js';
import type { RealPathCheck } from './types.js';
import type { WorkspaceRevision } from './workspace-revision.js';

export interface FileToolLimits {
  readonly root: string;
  /** Largest file read_file/edit_file will load (a reply must fit a frame). */
  readonly maxFileBytes: number;
  /** Bumped by every write, edit and delete below (workspace-revision.ts says why here). */
  readonly revision: WorkspaceRevision;
}

/**
 * Runs a change and counts it, whether it succeeded or not: a failed rename may still have
 * created a folder, and counting one change too many only makes a test run stale early.
 */
async function counted<T>(l: FileToolLimits, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    l.revision.bump();
  }
}

export async function readFileTool(
  l: FileToolLimits,
  path: string,
  recheck: RealPathCheck,
): Promise<{ content: string; bytes: number }> {
  const target = await resolveExisting(l.root, path, recheck);
  const buf = await readVerified(target, l.maxFileBytes);
  return { content: buf.toString('utf8'), bytes: buf.length };
}

export async function writeFileTool(
  l: FileToolLimits,
  path: string,
  content: string,
  recheck: RealPathCheck,
): Promise<{ bytes: number }> {
  const target = await resolveForCreate(l.root, path, recheck);
  const data = Buffer.from(content, 'utf8');
  recheck(target.rel); // again, right before the write: the sidecar's phase fence lives in recheck
  await counted(l, () => writeVerified(l.root, target, data));
  return { bytes: data.length };
}

/** A sandboxed command's new file: bytes as they are (binary snapshots too), confined like write_file. */
export async function writeBytesTool(l: FileToolLimits, path: string, data: Uint8Array, mode: number | undefined, recheck: RealPathCheck): Promise<{ bytes: number }> {
  const target = await resolveForCreate(l.root, path, recheck);
  recheck(target.rel);
  // The sandbox's apply step for a command's changed files: counted like any write.
  await counted(l, () => writeVerified(l.root, target, data, mode));
  return { bytes: data.length };
}

export async function editFileTool(
  l: FileToolLimits,
  path: string,
  oldText: string,
  newText: string,
  recheck: RealPathCheck,
): Promise<{ replacements: number }> {
  const target = await resolveExisting(l.root, path, recheck);
  const text = (await readVerified(target, l.maxFileBytes)).toString('utf8');
  const count = countOccurrences(text, oldText);
  if (count !== 1) {
    const why = oldText === '' ? 'old text is empty' : count === 0 ? 'old text not found' : `old text occurs ${count} times`;
    throw toolFailed('EMATCH', target.rel, `${why}: ${target.rel}`);
  }
  const at = text.indexOf(oldText);
  const edited = text.slice(0, at) + newText + text.slice(at + oldText.length);
  // The same real target, written the safe way (no parent folders to create).
  recheck(target.rel);
  await counted(l, () => writeVerified(l.root, { ...target, missingDirs: [] }, Buffer.from(edited, 'utf8')));
  return { replacements: 1 };
}

export async function deleteFileTool(l: FileToolLimits, path: string, recheck: RealPathCheck): Promise<{ deleted: true }> {
  const target = await resolveEntry(l.root, path, recheck);
  recheck(target.rel);
  await counted(l, () => unlinkVerified(target));
  return { deleted: true };
}

/** Non-overlapping occurrences; an empty `old` is "everywhere", i.e. never exactly once. */
function countOccurrences(text: string, needle: string): number {
  if (needle === '') return Number.POSITIVE_INFINITY;
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
