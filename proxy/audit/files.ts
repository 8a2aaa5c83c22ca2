import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The live file; rotated files are `tool_audit.N.jsonl`, N = 1, 2, … in write order (SPEC §9). */
export const CURRENT_FILE = 'tool_audit.jsonl';
const ROTATED = /^tool_audit\.(\d+)\.jsonl$/;

export function rotatedName(n: number): string {
  return `tool_audit.${n}.jsonl`;
}

/** Rotated file numbers among `names`, ascending. */
export function rotatedNumbers(names: readonly string[]): number[] {
  const numbers: number[] = [];
  for (const name of names) {
    const match = ROTATED.exec(name);
    if (match?.[1] !== undefined) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

export interface AuditFiles {
  /** Paths in chain order: rotated by N, then the live file. */
  readonly files: string[];
  /** A whole log directory (its chain must start at genesis) rather than one file. */
  readonly directory: boolean;
}

/** The log's files in chain order. A file path stands for itself alone. */
export async function listAuditFiles(pathOrDir: string): Promise<AuditFiles> {
  if (!(await stat(pathOrDir)).isDirectory()) return { files: [pathOrDir], directory: false };
  const names = await readdir(pathOrDir);
  const files = rotatedNumbers(names).map((n) => join(pathOrDir, rotatedName(n)));
  if (names.includes(CURRENT_FILE)) files.push(join(pathOrDir, CURRENT_FILE));
  return { files, directory: true };
}
