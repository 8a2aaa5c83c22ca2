import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { sealRecord } from '../../proxy/audit/chain.js';
import { readLines, removeTempDirs, tempDir, writeLines, writeRecords } from './helpers.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await tempDir();
  file = join(dir, 'tool_audit.jsonl');
  await writeRecords(dir, 20);
});
afterEach(removeTempDirs);

async function lineStart(n: number): Promise<{ bytes: Buffer; start: number; length: number }> {
  const bytes = await readFile(file);
  let start = 0;
  for (let i = 1; i < n; i++) start = bytes.indexOf(10, start) + 1;
  return { bytes, start, length: bytes.indexOf(10, start) - start + 1 };
}

describe('verify catches tampering at the right line', () => {
  it('passes an untouched log', async () => {
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 20 });
    expect(await verifyAudit(file)).toEqual({ ok: true, records: 20 });
  });

  it('flipping any one byte of line 7 (including its newline) fails at line 7', async () => {
    const { bytes, start, length } = await lineStart(7);
    for (let offset = start; offset < start + length; offset++) {
      const copy = Buffer.from(bytes);
      copy[offset] = (copy[offset] as number) ^ 0x01;
      await writeFile(file, copy);
      const result = await verifyAudit(dir);
      expect(result, `byte ${offset - start} of line 7`).toMatchObject({ ok: false, file, line: 7 });
    }
  });

  it('deleting line 7 fails at line 7 with a seq gap', async () => {
    const lines = await readLines(file);
    lines.splice(6, 1);
    await writeLines(file, lines);
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file, line: 7, problem: 'seq_mismatch' });
  });

  it('reordering lines 7 and 8 fails at line 7', async () => {
    const lines = await readLines(file);
    [lines[6], lines[7]] = [lines[7] as string, lines[6] as string];
    await writeLines(file, lines);
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file, line: 7, problem: 'seq_mismatch' });
  });

  it('editing line 7 and recomputing its hash fails at line 8 (the chain links forward)', async () => {
    const lines = await readLines(file);
    const { hash: _old, ...record } = JSON.parse(lines[6] as string) as AuditRecord;
    lines[6] = sealRecord({ ...record, decision: 'allow', args: { path: 'innocent.txt' } }).line.trimEnd();
    await writeLines(file, lines);
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file, line: 8, problem: 'prev_mismatch' });
  });

  it('a duplicate key that JSON.parse would hide is caught as non-canonical', async () => {
    const lines = await readLines(file);
    lines[6] = (lines[6] as string).replace('{', '{"decision":"deny",');
    await writeLines(file, lines);
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file, line: 7, problem: 'not_canonical' });
  });

  it('a blank line inserted before line 7 fails at line 7', async () => {
    const lines = await readLines(file);
    lines.splice(6, 0, '');
    await writeLines(file, lines);
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file, line: 7, problem: 'invalid_json' });
  });

  it('a directory whose chain does not start at genesis fails at its first line', async () => {
    const lines = await readLines(file);
    await writeLines(file, lines.slice(5));
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file, line: 1, problem: 'seq_mismatch' });
    // The same file alone is checked from its first record.
    expect(await verifyAudit(file)).toEqual({ ok: true, records: 15 });
  });
});
