/**
 * One coordinator per data dir. LMDB itself lets several processes open one environment, but
 * two coordinators on it would each count event seqs and ids in their own memory and hand out
 * the same ones: the second is refused before it writes anything. The lock is a file holding
 * the owner's pid, created exclusively; one left by a process that no longer runs is taken over.
 */
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { PhasegateError } from '../../errors.js';

export const LOCK_FILE = 'coordinator.lock';

export interface DataLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(file);
    if (owner !== undefined && isRunning(owner)) {
      throw new PhasegateError(
        'conflict',
        `another coordinator (pid ${owner}) is using the data dir ${dataDir}; stop it, or give this one another --data (agents can share one coordinator with --coordinator URL)`,
      );
    }
    // Left behind by a coordinator that crashed: its process is gone, so the dir is free.
    try {
      unlinkSync(file);
    } catch {
      // someone else took it over first; the next attempt sees theirs
    }
  }
  throw new PhasegateError('conflict', `could not lock the data dir ${dataDir} (${file} keeps reappearing)`);
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
