import { createReadStream } from 'node:fs';

export interface FileLine {
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
  /** The file's final line that has no `\n`: where a crash mid-write leaves a torn record. */
  readonly unterminated: boolean;
}

/**
 * Streams a file's lines split on `\n` only (not readline's `\r` rules, so line numbers
 * match `wc -l` and editors), without loading the file: a 100 MiB log reads in 64 KiB chunks.
 */
export async function* readLines(file: string): AsyncGenerator<FileLine> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl >= 0) {
      pending.push(chunk.subarray(start, nl));
      line += 1;
      yield { text: Buffer.concat(pending).toString('utf8'), line, unterminated: false };
      pending = [];
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield { text: Buffer.concat(pending).toString('utf8'), line: line + 1, unterminated: true };
}
