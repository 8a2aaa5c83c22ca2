import { afterEach, describe, expect, it } from 'vitest';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { callEntry, openLog, readLines, removeTempDirs, tempDir, writeLines, writeRecords } from './helpers.js';

afterEach(removeTempDirs);

const MAX = 2000;

async function allRecords(dir: string): Promise<{ file: string; records: AuditRecord[] }[]> {
  const names = (await readdir(dir)).sort((a, b) => order(a) - order(b));
  return Promise.all(names.map(async (file) => ({ file, records: (await readLines(join(dir, file))).map((l) => JSON.parse(l) as AuditRecord) })));
}

function order(name: string): number {
  const n = /^tool_audit\.(\d+)\.jsonl$/.exec(name)?.[1];
  return n === undefined ? Number.MAX_SAFE_INTEGER : Number(n);
}

describe('rotation', () => {
  it('rotates to tool_audit.N.jsonl with seq gap-free and prev linked across files', async () => {
    const dir = await tempDir();
    await writeRecords(dir, 60, { maxBytes: MAX });
    const files = await allRecords(dir);
    expect(files.length).toBeGreaterThan(3);
    expect(files.map((f) => f.file)).toEqual([...files.slice(0, -1).map((_, i) => `tool_audit.${i + 1}.jsonl`), 'tool_audit.jsonl']);
    const records = files.flatMap((f) => f.records);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (let i = 1; i < records.length; i++) expect(records[i]?.prev).toBe(records[i - 1]?.hash);
    for (const f of files) expect((await stat(join(dir, f.file))).size).toBeLessThanOrEqual(MAX);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 60 });
  });

  it('continues the chain and the numbering after reopening', async () => {
    const dir = await tempDir();
    await writeRecords(dir, 30, { maxBytes: MAX });
    const before = (await readdir(dir)).length;
    const log = await openLog(dir, { maxBytes: MAX });
    expect(log.head().seq).toBe(30);
    for (let i = 31; i <= 60; i++) await log.append(callEntry(i));
    await log.close();
    expect((await readdir(dir)).length).toBeGreaterThan(before);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 60 });
  });

  it('puts a record larger than maxBytes alone in its own file', async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { maxBytes: 300 });
    for (let i = 1; i <= 3; i++) await log.append(callEntry(i));
    await log.close();
    const files = await allRecords(dir);
    expect(files.map((f) => f.records.length)).toEqual([1, 1, 1]);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 3 });
  });

  it('deleting the first line of a rotated file fails at that file, line 1', async () => {
    const dir = await tempDir();
    await writeRecords(dir, 60, { maxBytes: MAX });
    const second = join(dir, 'tool_audit.2.jsonl');
    await writeLines(second, (await readLines(second)).slice(1));
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file: second, line: 1, problem: 'seq_mismatch' });
  });

  it('removing a whole rotated file fails at the first line of the next one', async () => {
    const dir = await tempDir();
    await writeRecords(dir, 60, { maxBytes: MAX });
    await rm(join(dir, 'tool_audit.2.jsonl'));
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file: join(dir, 'tool_audit.3.jsonl'), line: 1, problem: 'seq_mismatch' });
  });
});
