/**
 * What a sandboxed command changed, read from the overlay's upper folder after every
 * process of the command is dead (launch.ts), compared with the real workspace (the lower
 * layer). Only what the upper folder holds is looked at: cost follows the change, not the
 * workspace.
 *
 * How overlayfs records changes, and why no deletion can be missed: a deleted entry is a
 * whiteout, a character device 0:0. A folder deleted and re-created would be an "opaque"
 * folder, marked by an xattr Node cannot read — but the overlay is mounted in a user
 * namespace without `userxattr`, where the kernel cannot write its trusted.* xattrs at all,
 * so it refuses to make opaque folders (rmdir of a non-empty workspace folder fails with
 * EIO inside the sandbox) and renames of workspace folders (EXDEV; tools fall back to copy
 * and delete, which shows up here as files). Whiteouts are then the only way anything
 * disappears, and every one is reported.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';

export type ChangeKind = 'created' | 'modified' | 'deleted';

export interface UpperChange {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
  readonly change: ChangeKind;
  /** Set when the change can never be applied: a new symlink, hard link or special file. */
  readonly unsupported?: 'symlink' | 'hardlink' | 'special file';
  /** Absolute path of the new content in the upper folder (created/modified regular files). */
  readonly source?: string;
  /** Permission bits of the new file. */
  readonly mode?: number;
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/** Every regular file or symlink under a lower folder: all of them are gone when the folder is. */
function lowerFiles(dir: string, rel: string, out: UpperChange[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) lowerFiles(join(dir, e.name), r, out);
    else out.push({ path: r, change: 'deleted' });
  }
}

function sameContent(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

function scanFile(up: string, low: string | undefined, rel: string, st: Stats, out: UpperChange[]): void {
  const lower = low === undefined ? undefined : lstatOrUndefined(low);
  const mode = st.mode & 0o777;
  if (low !== undefined && lower?.isDirectory() === true) lowerFiles(low, rel, out);
  if (low !== undefined && lower?.isFile() === true) {
    // A copy-up without a change (touch, open for writing, chmod to the same mode) is not a change.
    if (lower.size === st.size && (lower.mode & 0o777) === mode && sameContent(up, low)) return;
  }
  const change: ChangeKind = lower === undefined || lower.isDirectory() ? 'created' : 'modified';
  // Copy-up gives a file one link; more means the command linked it (`ln`): refused, never applied.
  if (st.nlink > 1) out.push({ path: rel, change, unsupported: 'hardlink' });
  else out.push({ path: rel, change, source: up, mode });
}

function scanSymlink(up: string, low: string | undefined, rel: string, out: UpperChange[]): void {
  const lower = low === undefined ? undefined : lstatOrUndefined(low);
  if (low !== undefined && lower?.isSymbolicLink() === true && readlinkSync(low) === readlinkSync(up)) return;
  if (low !== undefined && lower?.isDirectory() === true) lowerFiles(low, rel, out);
  out.push({ path: rel, change: lower === undefined || lower.isDirectory() ? 'created' : 'modified', unsupported: 'symlink' });
}

function scanDir(upper: string, lower: string | undefined, rel: string, out: UpperChange[]): void {
  for (const e of readdirSync(upper, { withFileTypes: true })) {
    const up = join(upper, e.name);
    const low = lower === undefined ? undefined : join(lower, e.name);
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      const l = low === undefined ? undefined : lstatOrUndefined(low);
      if (low !== undefined && l !== undefined && !l.isDirectory()) out.push({ path: r, change: 'deleted' });
      scanDir(up, l?.isDirectory() === true ? low : undefined, r, out);
      continue;
    }
    const st = lstatSync(up);
    if (isWhiteout(st)) {
      const l = low === undefined ? undefined : lstatOrUndefined(low);
      if (l?.isDirectory()) lowerFiles(low as string, r, out);
      else if (l !== undefined) out.push({ path: r, change: 'deleted' });
      continue;
    }
    if (st.isFile()) scanFile(up, low, r, st, out);
    else if (st.isSymbolicLink()) scanSymlink(up, low, r, out);
    else {
      const l = low === undefined ? undefined : lstatOrUndefined(low);
      out.push({ path: r, change: l === undefined ? 'created' : 'modified', unsupported: 'special file' });
    }
  }
}

/**
 * Lists created, modified and deleted files (never folders: a folder exists in the
 * workspace only through its files), sorted by path.
 */
export function scanUpper(upper: string, lower: string): UpperChange[] {
  const out: UpperChange[] = [];
  scanDir(upper, lower, '', out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
