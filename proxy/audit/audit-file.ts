import { closeSync, fdatasyncSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../core/log.js';
import { CURRENT_FILE, rotatedName, rotatedNumbers } from './files.js';

/**
 * The live `tool_audit.jsonl` behind one open O_APPEND descriptor, with size rotation.
 *
 * Writes are synchronous on purpose: a local append is ~1 µs against ~15 µs for a libuv
 * threadpool hop, the hot path appends twice per tool call, and a synchronous write makes
 * order and completeness under concurrent calls hold by construction (no queue can
 * reorder or strand a record). The cost is that a stalled disk stalls the event loop;
 * a stalled audit disk refuses every call anyway (fail closed).
 *
 * Never rewrites a byte already written: a torn tail (crash or failed write) is rotated
 * away whole, so a torn line only ever ends a file.
 */
export class AuditFile {
  private fd: number | undefined;
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
   * Appends one whole line, rotating first if it would take a non-empty file past
   * maxBytes. Returns only once write(2) has returned (and fdatasync, with `fsync`); throws
   * if the line did not fully reach the file.
   */
  appendLine(line: string): void {
    try {
      this.ensureCurrent();
      const bytes = Buffer.byteLength(line);
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      const fd = this.fd as number;
      // The string goes to write(2) without a Buffer of our own; a short write (rare) finishes from one.
      const written = writeSync(fd, line);
      this.size += written;
      if (written < bytes) this.writeRest(fd, Buffer.from(line), written);
      if (this.fsync) fdatasyncSync(fd);
    } catch (err) {
      // The file may now end in a partial line: reopening rotates it away.
      this.drop();
      throw err;
    }
  }

  private writeRest(fd: number, line: Buffer, from: number): void {
    for (let offset = from; offset < line.length; ) {
      const written = writeSync(fd, line, offset, line.length - offset);
      offset += written;
      this.size += written;
    }
  }

  /** Opens (or reopens) the live file now, rotating away a torn tail. */
  open(): void {
    this.ensureCurrent();
  }

  close(): void {
    this.drop();
  }

  /** Reopens when the path no longer names our inode (deleted, moved or replaced). */
  private ensureCurrent(): void {
    if (this.fd !== undefined) {
      // Stops records going into an unlinked or moved-away inode nobody would read.
      const now = statSync(this.path, { throwIfNoEntry: false });
      if (now !== undefined && now.ino === this.ino && now.dev === this.dev) return;
      this.log.warn({ file: this.path }, 'audit_file_replaced');
      this.drop();
    }
    this.openCurrent();
  }

  private openCurrent(): void {
    // a+: O_APPEND for every write, readable to check the last byte for a torn tail.
    const fd = openSync(this.path, 'a+', 0o600);
    try {
      const info = fstatSync(fd);
      if (info.size > 0 && !endsWithNewline(fd, info.size)) {
        closeSync(fd);
        this.log.warn({ file: this.path }, 'audit_torn_tail_found');
        this.renameAway();
        this.openCurrent();
        return;
      }
      this.fd = fd;
      this.ino = info.ino;
      this.dev = info.dev;
      this.size = info.size;
    } catch (err) {
      if (this.fd !== fd) closeQuietly(fd);
      throw err;
    }
  }

  private rotate(): void {
    this.drop();
    this.renameAway();
    this.openCurrent();
  }

  private renameAway(): void {
    const n = (rotatedNumbers(readdirSync(this.dir)).at(-1) ?? 0) + 1;
    const target = join(this.dir, rotatedName(n));
    renameSync(this.path, target);
    if (this.fsync) syncDirectory(this.dir);
    this.log.info({ file: target }, 'audit_rotated');
  }

  private drop(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeQuietly(fd);
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 10;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or gone: nothing left to release.
  }
}

/** Makes a rotation's rename survive power loss (fsync mode). */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
