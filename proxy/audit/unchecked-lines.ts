/**
 * The lines appended since the live file's identity was last confirmed (see AuditFile). If
 * the inode they went to turns out to have been deleted, they are written again into the new
 * live file, so a record the agent was answered for is never left only in an unlinked inode.
 *
 * The identity check (a stat of the live path) used to run before every record: 2–5 µs of a
 * ~40 µs denied call. It now runs once `CHECK_MS` have passed or `CHECK_BYTES` were written
 * since the last one, and at close; the lines in between are kept here until it confirms them.
 */
export const CHECK_MS = 20;
export const CHECK_BYTES = 256 * 1024;

export class UncheckedLines {
  private lines: string[] = [];
  private bytes = 0;
  private checkedAt = -Infinity;

  /** True when the live file's identity must be confirmed before the next write. */
  due(now: number): boolean {
    return now - this.checkedAt >= CHECK_MS || this.bytes >= CHECK_BYTES;
  }

  add(line: string, bytes: number): void {
    this.lines.push(line);
    this.bytes += bytes;
  }

  /** The identity was confirmed at `now`: every line so far is where a reader will find it. */
  confirm(now: number): void {
    this.checkedAt = now;
    this.take();
  }

  /** The lines a deleted inode took with it, oldest first, to be written again; the buffer is emptied. */
  take(): string[] {
    const lines = this.lines;
    this.lines = [];
    this.bytes = 0;
    return lines;
  }
}
