import type { CommandResult } from './types.js';

/**
 * Bounded capture of a child's output. A command that prints gigabytes must not grow the
 * sidecar's memory: past the cap chunks are dropped (the pipe is still drained, so the
 * child never blocks on a full pipe) and `truncated` is set.
 */
export class OutputCap {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    const room = this.maxBytes - this.size;
    if (room <= 0) {
      this.truncated = this.truncated || chunk.length > 0;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

/** The last `maxBytes` of a stream — where test runners print their summary, even when the head was capped. */
export class OutputTail {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    const joined = Buffer.concat([this.buf, chunk]);
    this.buf = joined.length > this.maxBytes ? joined.subarray(joined.length - this.maxBytes) : joined;
  }

  text(): string {
    return this.buf.toString('utf8');
  }
}

/** The last 64 KiB of a command's output are kept whole for the test-count parsers. */
const TAIL_BYTES = 64 * 1024;

/** A command's result as both runners return it (tools/run-command.ts and sandbox/launch.ts). */
export interface CapturedRun extends CommandResult {
  /** stdout and stderr interleaved as they arrived, capped. */
  readonly combined: string;
  /** Their last 64 KiB. */
  readonly tail: string;
}

/** stdout and stderr of one child, each capped, plus both interleaved (capped) and their tail. */
export class CommandOutput {
  private readonly out: OutputCap;
  private readonly err: OutputCap;
  private readonly combined: OutputCap;
  private readonly tail = new OutputTail(TAIL_BYTES);

  constructor(maxBytes: number) {
    this.out = new OutputCap(maxBytes);
    this.err = new OutputCap(maxBytes);
    this.combined = new OutputCap(maxBytes);
  }

  listen(child: { readonly stdout: NodeJS.ReadableStream | null; readonly stderr: NodeJS.ReadableStream | null }): void {
    child.stdout?.on('data', (c: Buffer) => (this.out.push(c), this.combined.push(c), this.tail.push(c)));
    child.stderr?.on('data', (c: Buffer) => (this.err.push(c), this.combined.push(c), this.tail.push(c)));
  }

  stderrText(): string {
    return this.err.text();
  }

  /** `note` (e.g. a timeout notice) is appended to stderr, combined and tail. */
  result(exitCode: number, startedAt: number, note: string): CapturedRun {
    return {
      exit_code: exitCode,
      stdout: this.out.text(),
      stderr: this.err.text() + note,
      duration_ms: Math.round(performance.now() - startedAt),
      truncated: this.out.truncated || this.err.truncated,
      combined: this.combined.text() + note,
      tail: this.tail.text() + note,
    };
  }
}
