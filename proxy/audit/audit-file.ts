import { closeSync, fdatasyncSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../core/log.js';
import { CURRENT_FILE, rotatedName, rotatedNumbers } from './files.js';
import { UncheckedLines } from './unchecked-lines.js';

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
 *
 * Someone else may move, replace or delete the live file (logrotate, an operator). Whether the
 * path still names our inode is checked every few milliseconds of appends (unchecked-lines.ts)
 * and at close, not before every record; lines written into a deleted inode meanwhile are
 * written again into the new live file, and a path that can no longer be written refuses
 * every record from then on (fail closed).
 */
export class AuditFile {
  private fd: number | undefined;
  private ino = 0;
  private dev = 0;
  private size = 0;
  private readonly unchecked = new UncheckedLines();
  /** Lines a deleted inode took with it: written into the live file before any new record. */
  private orphans: string[] = [];
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
      this.unchecked.add(line, bytes);
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

  /**
   * Closes after a last identity check, so lines written into a deleted inode are not left
   * there — nor lines a deleted inode took with it that an unwritable path refused so far.
   */
  close(): void {
    if (this.fd !== undefined && !this.stillLive()) {
      this.log.warn({ file: this.path }, 'audit_file_replaced');
      this.drop();
    }
    if (this.orphans.length > 0) {
      try {
        if (this.fd === undefined) this.openCurrent();
        this.writeOrphans();
      } catch (err) {
        this.log.error({ file: this.path, err, records: this.orphans.length }, 'audit_records_stranded');
      }
    }
    this.drop();
  }

  /** Reopens when the path no longer names our inode (deleted, moved or replaced); checked when due. */
  private ensureCurrent(): void {
    if (this.fd !== undefined) {
      const now = performance.now();
      if (!this.unchecked.due(now)) return;
      if (this.stillLive()) return this.unchecked.confirm(now);
      this.log.warn({ file: this.path }, 'audit_file_replaced');
      this.drop();
    }
    this.openCurrent();
    this.writeOrphans();
    this.unchecked.confirm(performance.now());
  }

  private stillLive(): boolean {
    const now = statSync(this.path, { throwIfNoEntry: false });
    return now !== undefined && now.ino === this.ino && now.dev === this.dev;
  }

  /** Writes again, in order, what a deleted inode took with it; on failure they stay queued (and the append fails). */
  private writeOrphans(): void {
    if (this.orphans.length === 0) return;
    const text = Buffer.from(this.orphans.join(''));
    const count = this.orphans.length;
    this.writeRest(this.fd as number, text, 0);
    if (this.fsync) fdatasyncSync(this.fd as number);
    this.orphans = [];
    this.log.warn({ file: this.path, records: count }, 'audit_records_rewritten');
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

  /** Closes the descriptor; lines not yet confirmed become orphans if its inode was deleted. */
  private drop(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    const lines = this.unchecked.take();
    if (lines.length > 0 && deleted(fd)) this.orphans.push(...lines);
    closeQuietly(fd);
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 10;
}

/** The inode behind `fd` has no name left: what was written to it nobody will read. */
function deleted(fd: number): boolean {
  try {
    return fstatSync(fd).nlink === 0;
  } catch {
    return true;
  }
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
