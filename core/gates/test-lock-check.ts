/** tests_unchanged: the test files locked when the task left TDD are exactly the ones present now. */
import type { Blocker, GateContext } from './types.js';

const code = 'tests_unchanged';

/** One blocker per added, removed or changed test file (sorted by path), so the agent sees every edit it must undo. */
export function testsUnchanged(ctx: GateContext): Blocker[] {
  const lock = ctx.testLock;
  if (lock === undefined) return [{ code, message: 'no test lock recorded' }];
  const now = ctx.evidence.test_hashes;
  const paths = [...new Set([...Object.keys(lock), ...Object.keys(now)])].sort();
  const blockers: Blocker[] = [];
  for (const path of paths) {
    // hasOwn, not `in`/indexing alone: a test file named like `constructor` must not match Object.prototype.
    const locked = Object.hasOwn(lock, path) ? lock[path] : undefined;
    const current = Object.hasOwn(now, path) ? now[path] : undefined;
    if (locked === undefined) blockers.push({ code, message: `test file added after the test lock: ${path}`, path });
    else if (current === undefined) blockers.push({ code, message: `locked test file removed: ${path}`, path });
    else if (locked !== current) blockers.push({ code, message: `locked test file changed: ${path}`, path });
  }
  return blockers;
}
