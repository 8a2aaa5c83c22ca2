import { open } from 'node:fs/promises';
import { PhasegateError } from '../../core/errors.js';
import { GENESIS } from './chain.js';
import { checkLine, isProblem } from './record-check.js';

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

const CHUNK = 64 * 1024;

/** The last two `\n`-separated segments of a file (the final one may be torn), read backwards. */
async function lastSegments(file: string): Promise<{ segments: string[]; terminated: boolean }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    let position = size;
    let tail = Buffer.alloc(0);
    // Three newlines bound the final two lines (one may be the file's trailing `\n`).
    while (position > 0 && countNewlines(tail) < 3) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      tail = Buffer.concat([chunk, tail]);
    }
    const terminated = tail.length === 0 || tail[tail.length - 1] === 10;
    const parts = tail.toString('utf8').split('\n');
    if (terminated) parts.pop();
    // The first part may be cut mid-line unless the read reached the file's start.
    if (position > 0) parts.shift();
    return { segments: parts.slice(-2), terminated };
  } finally {
    await handle.close();
  }
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) count += 1;
  return count;
}

/**
 * The chain head after the last complete record of `files` (chain order), reading only
 * their tails. A torn final line (crash mid-append) is skipped; anything else unreadable
 * there means the log was altered, and the writer refuses to extend it (fail closed)
 * rather than chain new records onto an unknown head.
 */
export async function readChainHead(files: readonly string[]): Promise<ChainHead> {
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i] as string;
    const { segments, terminated } = await lastSegments(file);
    let candidate = segments.pop();
    if (candidate !== undefined && !terminated) {
      const torn = checkLine(candidate);
      if (!isProblem(torn)) return { seq: torn.seq, hash: torn.hash };
      if (torn.problem !== 'invalid_json') throw corrupt(file, torn.detail);
      candidate = segments.pop();
    }
    if (candidate === undefined) continue;
    const last = checkLine(candidate);
    if (isProblem(last)) throw corrupt(file, last.detail);
    return { seq: last.seq, hash: last.hash };
  }
  return { seq: 0, hash: GENESIS };
}

function corrupt(file: string, detail: string): PhasegateError {
  return new PhasegateError('audit_unavailable', `audit log tail is corrupt: ${file}: ${detail}`, { file });
}
