import { statSync } from 'node:fs';
import { open, readdir, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log.js';
import { CURRENT_FILE, rotatedName, rotatedNumbers } from './files.js';

/** A write that stopped part-way: `written` whole lines reached the file before `cause`. */
export class WriteFailure extends Error {
  constructor(readonly written: number, override readonly cause: unknown) {
    super('audit write failed');
  }
}

/**
 * The live `tool_audit.jsonl` behind one open O_APPEND handle, with size rotation. Never
 * rewrites a byte already written: a torn tail (crash or failed write) is rotated away
 * whole, so a torn line only ever ends a file.
 */
export class AuditFile {
  private handle: FileHandle | undefined;
  private ino = 0;
  private dev = 0;
  private size = 0;
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly fsync: boolean,
    private readonly log: Logger,
  ) {
    this.path = join(dir, CURRENT_FILE);
  }

  /**
   * Appends whole lines in order, rotating before a line that would take the file past
   * maxBytes (a file always takes at least one line). Throws WriteFailure on error.
   */
  async appendLines(lines: readonly Buffer[]): Promise<void> {
    let done = 0;
    try {
      await this.ensureCurrent();
      while (done < lines.length) {
        let end = done;
        let bytes = 0;
        while (end < lines.length && (this.size + bytes + (lines[end] as Buffer).length <= this.maxBytes || (this.size === 0 && end === done))) {
          bytes += (lines[end] as Buffer).length;
          end += 1;
        }
        if (end === done) {
          await this.rotate();
          continue;
        }
        const start = this.size;
        const chunk = lines.slice(done, end);
        try {
          await this.writeAll(end - done === 1 ? (chunk[0] as Buffer) : Buffer.concat(chunk, bytes));
        } finally {
          // Whole lines that reached the file before a short write failed still count.
          let reached = this.size - start;
          for (const line of chunk) if ((reached -= line.length) >= 0) done += 1;
        }
      }
    } catch (err) {
      // The handle may now sit after a partial line: reopen next time, which rotates it away.
      await this.drop();
      throw new WriteFailure(done, err);
    }
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private async writeAll(buffer: Buffer): Promise<void> {
    const handle = this.handle as FileHandle;
    for (let offset = 0; offset < buffer.length; ) {
      const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, null);
      offset += bytesWritten;
      this.size += bytesWritten;
    }
    if (this.fsync) await handle.datasync();
  }

  /** Reopens when the path no longer names our inode (deleted, moved or replaced). */
  private async ensureCurrent(): Promise<void> {
    if (this.handle !== undefined) {
      // Sync stat: a few µs, and it stops records going into an unlinked inode nobody will read.
      const now = statSync(this.path, { throwIfNoEntry: false });
      if (now !== undefined && now.ino === this.ino && now.dev === this.dev) return;
      this.log.warn({ file: this.path }, 'audit_file_replaced');
      await this.drop();
    }
    await this.openCurrent();
  }

  private async openCurrent(): Promise<void> {
    // a+: O_APPEND for every write, readable to check the last byte for a torn tail.
    const handle = await open(this.path, 'a+', 0o600);
    try {
      const info = await handle.stat();
      if (info.size > 0 && !(await endsWithNewline(handle, info.size))) {
        this.log.warn({ file: this.path }, 'audit_torn_tail_found');
        await handle.close();
        await this.renameAway();
        return await this.openCurrent();
      }
      this.handle = handle;
      this.ino = info.ino;
      this.dev = info.dev;
      this.size = info.size;
    } catch (err) {
      if (this.handle !== handle) await handle.close().catch(() => undefined);
      throw err;
    }
  }

  private async rotate(): Promise<void> {
    await this.drop();
    await this.renameAway();
    await this.openCurrent();
  }

  private async renameAway(): Promise<void> {
    const n = (rotatedNumbers(await readdir(this.dir)).at(-1) ?? 0) + 1;
    const target = join(this.dir, rotatedName(n));
    await rename(this.path, target);
    if (this.fsync) await syncDirectory(this.dir);
    this.log.info({ file: target }, 'audit_rotated');
  }

  private async drop(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}

async function endsWithNewline(handle: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 10;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
