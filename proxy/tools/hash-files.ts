/**
 * The test-integrity fingerprint (`tests_unchanged` gate): sha256 of every regular file
 * under the root matching the contract's test globs. Symlinks are not hashed — a link could
 * make the fingerprint depend on a file outside the workspace, or change while the file
 * the tests really load does not. The skipped folders of tree-walk.ts are never entered.
 */
import { sha256Hex } from '../../core/contract/canonical-json.js';
import micromatch from 'micromatch';
import { readVerified } from './safe-read.js';
import { isToolFailure } from './tool-errors.js';
import { walkTree } from './tree-walk.js';

export async function hashFiles(root: string, globs: readonly string[], maxFileBytes: number): Promise<Record<string, string>> {
  // Same semantics as the policy's constraint globs: micromatch, dot: true, root-relative.
  const matchers = globs.map((g) => micromatch.matcher(g, { dot: true }));
  const hashes: Record<string, string> = {};
  if (matchers.length === 0) return hashes;
  for (const e of await walkTree(root, root)) {
    if (e.isLink || !matchers.some((m) => m(e.rel))) continue;
    let buf: Buffer;
    try {
      buf = await readVerified({ abs: e.abs, rel: e.rel }, maxFileBytes);
    } catch (err) {
      if (isToolFailure(err, 'ENOENT')) continue; // deleted since the walk
      throw err;
    }
    hashes[e.rel] = sha256Hex(buf);
  }
  return hashes;
}
