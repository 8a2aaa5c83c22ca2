import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS, verifyAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { sealRecord } from '../../proxy/audit/chain.js';
import { callEntry, openLog, readLines, removeTempDirs, tempDir, writeRecords } from './helpers.js';

let dir: string;
let live: string;

beforeEach(async () => {
  dir = await tempDir();
  live = join(dir, 'tool_audit.jsonl');
  await writeRecords(dir, 10);
});
afterEach(removeTempDirs);

/** What a crash in the middle of appending record 11 leaves: the first half of its line. */
async function tearRecord11(): Promise<void> {
  const last = JSON.parse((await readLines(live)).at(-1) as string) as AuditRecord;
  const { line } = sealRecord({ ...callEntry(11), seq: 11, ts: last.ts, prev: last.hash });
  await appendFile(live, line.slice(0, Math.floor(line.length / 2)));
}

describe('crash behaviour', () => {
  it('a torn last line is reported as an incomplete tail, not tampering', async () => {
    await tearRecord11();
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 10, incompleteTail: { file: live, line: 11 } });
  });

  it('reopening after a crash never rewrites the torn file: it is rotated away and the chain continues', async () => {
    await tearRecord11();
    const tornBytes = await readFile(live);
    const log = await openLog(dir);
    expect(log.head().seq).toBe(10);
    const next = await log.append(callEntry(11));
    await log.close();
    const rotated = join(dir, 'tool_audit.1.jsonl');
    expect(await readFile(rotated)).toEqual(tornBytes);
    expect(next.seq).toBe(11);
    expect(next.prev).toBe((JSON.parse((await readLines(rotated))[9] as string) as AuditRecord).hash);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 11, incompleteTail: { file: rotated, line: 11 } });
  });

  it('a complete last record that only lost its newline still counts, and the log continues after it', async () => {
    await truncate(live, (await readFile(live)).length - 1);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 10 });
    await writeRecordsAfter(11);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 11 });
  });

  it('cutting the last record of a rotated file in half is not hidden by the torn-tail rule', async () => {
    const rotatedDir = await tempDir();
    await writeRecords(rotatedDir, 30, { maxBytes: 2000 });
    const first = join(rotatedDir, 'tool_audit.1.jsonl');
    const text = await readFile(first, 'utf8');
    await writeFile(first, text.slice(0, text.length - 40)); // looks like a crash mid-append…
    // …but the next file's first record chains to the record that was cut.
    expect(await verifyAudit(rotatedDir)).toMatchObject({ ok: false, file: join(rotatedDir, 'tool_audit.2.jsonl'), line: 1, problem: 'seq_mismatch' });
  });

  it('refuses to open (fail closed) when the last complete line was altered', async () => {
    const lines = await readLines(live);
    lines[9] = (lines[9] as string).replace('"decision":"allow"', '"decision":"deny"');
    await writeFile(live, lines.join('\n') + '\n');
    await expect(openLog(dir)).rejects.toMatchObject({ code: 'audit_unavailable' });
  });

  it('a torn line that is the whole of the live file falls back to the rotated file for the head', async () => {
    const fresh = await tempDir();
    await writeFile(join(fresh, 'tool_audit.jsonl'), '{"seq":1,"ts":"2025');
    const log = await openLog(fresh);
    expect(log.head()).toEqual({ seq: 0, hash: GENESIS });
    await log.append(callEntry(1));
    await log.close();
    expect(await verifyAudit(fresh)).toEqual({ ok: true, records: 1, incompleteTail: { file: join(fresh, 'tool_audit.1.jsonl'), line: 1 } });
  });
});

async function writeRecordsAfter(i: number): Promise<void> {
  const log = await openLog(dir);
  await log.append(callEntry(i));
  await log.close();
}
