/**
 * The private host folders of a sandboxed call, kept off the call's critical path: the next
 * call's upper/work pair is made while this one runs, and a finished call's folder is removed
 * in the background (file-system metadata is slow on a busy disk; a command should not wait
 * for it). Every folder is a fresh mkdtemp (0700) under `base`, outside the workspace.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log.js';

export interface CallDirs {
  /** The new root's mount point: always empty on the host (the tmpfs is mounted over it inside). */
  readonly root: string;
  readonly upper: string;
  readonly work: string;
  /** Removes the call's folder (upper with every discarded change); never throws. */
  release(): Promise<void>;
}

export interface CallDirPool {
  take(): Promise<CallDirs>;
}

/** One root mount point per temp folder and process: each call mounts its own tmpfs over it, in its own mount namespace. */
const roots = new Map<string, Promise<string>>();
const made = new Set<string>();

function sharedRoot(base: string): Promise<string> {
  let root = roots.get(base);
  if (root === undefined) {
    if (roots.size === 0) process.once('exit', () => {
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
    });
    root = mkdtemp(join(base, 'phasegate-root-')).then((dir) => (made.add(dir), dir));
    root.catch(() => roots.delete(base));
    roots.set(base, root);
  }
  return root;
}

export function createCallDirPool(base: string, logger: Logger): CallDirPool {
  let spare: Promise<CallDirs> | undefined;

  const make = async (): Promise<CallDirs> => {
    const rootDir = await sharedRoot(base);
    const dir = await mkdtemp(join(base, 'phasegate-sbx-'));
    // A spare nobody took (the sidecar stopped) is removed when the process exits.
    made.add(dir);
    const upper = join(dir, 'upper');
    const work = join(dir, 'work');
    await Promise.all([mkdir(upper), mkdir(work)]);
    const release = (): Promise<void> =>
      rm(dir, { recursive: true, force: true }).then(
        () => void made.delete(dir),
        (err: Error) => logger.warn({ event: 'sandbox_cleanup_failed', dir, err: err.message }, 'sandbox_cleanup_failed'),
      );
    return { root: rootDir, upper, work, release };
  };

  return {
    async take() {
      const next = spare ?? make();
      spare = undefined;
      const dirs = await next;
      // Prepared for the next call while this one runs; a failure there surfaces on that call.
      spare = make();
      spare.catch(() => (spare = undefined));
      return dirs;
    },
  };
}
