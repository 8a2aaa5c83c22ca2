/**
 * tests_unchanged: the files locked when the task left TDD (every file matched by test_globs
 * or test_config, at any depth) are exactly the ones present now — none changed, added or
 * removed — and none of them is a symlink.
 */
import type { Blocker, Evidence, GateContext } from './types.js';

const code = 'tests_unchanged';

/**
 * A symlink among the test files blocks: the lock cannot hash it meaningfully (its target may
 * lie outside the tests, or change while the link does not), so a linked test could be
 * swapped for a stub without any locked hash moving. Used at lock time too.
 */
export function symlinkBlockers(evidence: Evidence): Blocker[] {
  return evidence.test_links.map((path) => ({
    code: 'tests_symlink',
    message: `test file is a symlink: ${path}; replace it with a regular file (symlinks cannot be locked)`,
    path,
  }));
}

/** One blocker per added, removed or changed file (sorted by path), after a summary with the counts. */
export function testsUnchanged(ctx: GateContext): Blocker[] {
  const lock = ctx.testLock;
  if (lock === undefined) return [{ code, message: 'no test lock recorded (the lock_tests trigger never fired for this task)' }];
  const now = ctx.evidence.test_hashes;
  const paths = [...new Set([...Object.keys(lock), ...Object.keys(now)])].sort();
  const each: Blocker[] = [];
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const path of paths) {
    // hasOwn, not `in`/indexing alone: a test file named like `constructor` must not match Object.prototype.
    const locked = Object.hasOwn(lock, path) ? lock[path] : undefined;
    const current = Object.hasOwn(now, path) ? now[path] : undefined;
    if (locked === undefined) {
      counts.added++;
      each.push({ code, message: `test file added after the test lock: ${path}`, path });
    } else if (current === undefined) {
      counts.removed++;
      each.push({ code, message: `locked test file removed: ${path}`, path });
    } else if (locked !== current) {
      counts.changed++;
      each.push({ code, message: `locked test file changed: ${path}`, path });
    }
  }
  const links = symlinkBlockers(ctx.evidence);
  if (each.length === 0) return links;
  const total = Object.keys(lock).length;
  const summary: Blocker = {
    code,
    message: `test lock broken: ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed (of ${total} locked file${total === 1 ? '' : 's'})`,
  };
  return [summary, ...each, ...links];
}
