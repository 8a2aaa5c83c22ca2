/** Where the loaded contract file sits in this sidecar's workspace, by real path (SPEC §8). */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * The workspace-relative real paths of `files` (the contract as the wrapper and the
 * coordinator loaded it) that lie inside `root` (a real path). A contract loaded through a
 * symlink or under another name is thereby protected under the name it really has here:
 * writing that name would change the rules the next run enforces. Files that do not exist on
 * this machine (a remote coordinator's path) are skipped.
 */
export async function contractPathsIn(root: string, files: readonly (string | undefined)[]): Promise<string[]> {
  const found = new Set<string>();
  for (const file of files) {
    if (file === undefined || file === '' || !isAbsolute(file)) continue;
    const real = await realpath(file).catch(() => undefined);
    if (real === undefined) continue;
    const rel = relative(root, real);
    if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) continue;
    found.add(rel.split(sep).join('/'));
  }
  return [...found];
}
