/**
 * Listing the files under a confined folder. Never descends through a symlink: a link to a
 * folder outside the root would otherwise turn `list_files`/`search` into an escape, and a
 * link to a folder inside could loop forever.
 */
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { toRel } from './path-confinement.js';

/**
 * Folders skipped at any depth while walking (not when named as the start folder):
 * repository internals, installed dependencies and phasegate's own state are noise for an
 * agent and huge, and `.phasegate` holds the audit log and keys.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.phasegate']);

export interface TreeEntry {
  /** Absolute path as walked (real, since no symlink is ever followed). */
  readonly abs: string;
  /** Relative to the workspace root, `/`-separated. */
  readonly rel: string;
  /** A symlink (its target is not resolved here). */
  readonly isLink: boolean;
}

/**
 * Regular files and symlinks under `startAbs`, sorted by relative path. `skip` names the
 * folders not entered (default SKIPPED_FOLDERS; the test lock passes an empty set).
 */
export async function walkTree(root: string, startAbs: string, skip: ReadonlySet<string> = SKIPPED_FOLDERS): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const stack = [startAbs];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
      // A folder swapped for a symlink out while we walk would list outside names: drop it.
      if ((await realpath(dir)) !== dir) continue;
    } catch {
      continue; // removed or unreadable meanwhile: the listing is a snapshot, not a transaction
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name)) stack.push(abs);
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push({ abs, rel: toRel(root, abs), isLink: e.isSymbolicLink() });
      }
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
