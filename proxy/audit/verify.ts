import { GENESIS } from './chain.js';
import { listAuditFiles } from './files.js';
import { readLines } from './line-reader.js';
import { checkLine, isProblem, type VerifyProblem } from './record-check.js';

/** A chain head the coordinator received from the sidecar (seq → hash it had then). */
export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
}

export interface Location {
  readonly file: string;
  readonly line: number;
}

export type VerifyResult =
  | { ok: true; records: number; incompleteTail?: Location }
  | { ok: false; file: string; line: number; problem: VerifyProblem; detail: string };

/**
 * Verifies the hash chain of a log directory (rotated files then the live one) or of one
 * file, streaming. Reports the first broken file:line. A torn final line of a file (no
 * `\n`, not JSON: what a crash mid-append leaves) is an incomplete tail, not tampering; the
 * chain must still link across it. With `checkpoints`, each one at or below the last seq
 * must match, and the log must reach the highest: this catches truncation and wholesale
 * rewrites, which a self-contained chain cannot.
 */
export async function verifyAudit(pathOrDir: string, opts: { checkpoints?: readonly Checkpoint[] } = {}): Promise<VerifyResult> {
  const { files, directory } = await listAuditFiles(pathOrDir);
  // Every hash the coordinator holds for a seq must match: two different ones are tampering.
  const expected = new Map<number, string[]>();
  let highest = 0;
  for (const checkpoint of opts.checkpoints ?? []) {
    expected.set(checkpoint.seq, [...(expected.get(checkpoint.seq) ?? []), checkpoint.hash]);
    highest = Math.max(highest, checkpoint.seq);
  }
  // A directory holds the whole chain from genesis; a lone file is checked from its first record.
  let head: { seq: number; hash: string } | undefined = directory ? { seq: 0, hash: GENESIS } : undefined;
  let records = 0;
  let incompleteTail: Location | undefined;
  let end: Location = { file: files.at(-1) ?? pathOrDir, line: 0 };
  for (const file of files) {
    for await (const { text, line, unterminated } of readLines(file)) {
      end = { file, line };
      const checked = checkLine(text);
      if (isProblem(checked)) {
        if (unterminated && checked.problem === 'invalid_json') {
          incompleteTail = { file, line };
          continue;
        }
        return { ok: false, file, line, ...checked };
      }
      if (head === undefined && checked.seq === 1) head = { seq: 0, hash: GENESIS };
      if (head !== undefined) {
        if (checked.seq !== head.seq + 1) {
          return { ok: false, file, line, problem: 'seq_mismatch', detail: `seq ${checked.seq}, expected ${head.seq + 1}` };
        }
        if (checked.prev !== head.hash) {
          return { ok: false, file, line, problem: 'prev_mismatch', detail: `prev does not match the hash of seq ${head.seq}` };
        }
      }
      const pinned = expected.get(checked.seq);
      if (pinned !== undefined && pinned.some((hash) => hash !== checked.hash)) {
        return { ok: false, file, line, problem: 'checkpoint_mismatch', detail: `seq ${checked.seq} differs from the coordinator's checkpoint` };
      }
      head = { seq: checked.seq, hash: checked.hash };
      records += 1;
    }
  }
  if (highest > (head?.seq ?? 0)) {
    return { ok: false, ...end, problem: 'checkpoint_not_reached', detail: `log ends at seq ${head?.seq ?? 0}, coordinator holds seq ${highest}` };
  }
  return incompleteTail === undefined ? { ok: true, records } : { ok: true, records, incompleteTail };
}
