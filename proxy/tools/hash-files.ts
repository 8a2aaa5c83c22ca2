/**
 * The test-integrity fingerprint (`lock_tests` trigger, `tests_unchanged` check): sha256 of
 * every regular file under the root matching the contract's test_globs or test_config.
 *
 * Every folder is entered — dot folders (`tests/.git/`) and `node_modules` (`tests/node_modules/`)
 * included: a test can import a helper from either, and the list-and-search walk skips them,
 * which is how a changed helper there once went unnoticed. Symlinks are never hashed (a
 * link could make the fingerprint depend on a file outside the workspace, or stay the same
 * while the file the tests really load changes); they are reported in `links` instead and
 * each one blocks the lock. A symlinked folder is reported the same way and not entered.
 */
import { sha256Hex } from '../../core/contract/canonical-json.js';
import micromatch from 'micromatch';
import { readVerified } from './safe-read.js';
import { isToolFailure } from './tool-errors.js';
import { walkTree } from './tree-walk.js';
import type { TestLockScan } from './types.js';

const ENTER_EVERY_FOLDER: ReadonlySet<string> = new Set();

export async function hashFiles(root: string, globs: readonly string[], maxFileBytes: number): Promise<TestLockScan> {
  // Same semantics as the policy's constraint globs: micromatch, dot: true, root-relative.
  const matchers = globs.map((g) => micromatch.matcher(g, { dot: true }));
  const hashes: Record<string, string> = {};
  const links: string[] = [];
  if (matchers.length === 0) return { hashes, links };
  for (const e of await walkTree(root, root, ENTER_EVERY_FOLDER)) {
    if (!matchers.some((m) => m(e.rel))) continue;
    if (e.isLink) {
      links.push(e.rel);
      continue;
    }
    let buf: Buffer;
    try {
      buf = await readVerified({ abs: e.abs, rel: e.rel }, maxFileBytes);
    } catch (err) {
      if (isToolFailure(err, 'ENOENT')) continue; // deleted since the walk
      throw err;
    }
    hashes[e.rel] = sha256Hex(buf);
  }
  return { hashes, links };
}
