import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { verifyAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { callEntry, openLog, readLines, removeTempDirs, tempDir } from './helpers.js';

afterEach(removeTempDirs);

describe('concurrent appends', () => {
  it('1000 appends at once are written in call order, all of them, on a valid chain', async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    const records = await Promise.all(Array.from({ length: 1000 }, (_, i) => log.append(callEntry(i + 1))));
    await log.close();
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(records.map((r) => r.call_id)).toEqual(Array.from({ length: 1000 }, (_, i) => `c${i + 1}`));
    const lines = (await readLines(join(dir, 'tool_audit.jsonl'))).map((l) => JSON.parse(l) as AuditRecord);
    expect(lines).toEqual(records);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 1000 });
  });

  it('stays gap-free when a burst of appends crosses several rotations', async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { maxBytes: 20_000 });
    const records = await Promise.all(Array.from({ length: 1000 }, (_, i) => log.append(callEntry(i + 1))));
    await log.close();
    expect(records.at(-1)?.seq).toBe(1000);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 1000 });
  });

  it('close lets appends already issued complete, then refuses more', async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    const pending = Array.from({ length: 50 }, (_, i) => log.append(callEntry(i + 1)));
    await log.close();
    await Promise.all(pending);
    await expect(log.append(callEntry(51))).rejects.toMatchObject({ code: 'audit_unavailable' });
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 50 });
  });
});
