import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { GENESIS, hashRecord, verifyAudit } from '../../proxy/audit/index.js';
import { sealRecord } from '../../proxy/audit/chain.js';
import { callEntry, openLog, readLines, removeTempDirs, tempDir, writeRecords } from './helpers.js';

afterEach(removeTempDirs);

describe('hash chain', () => {
  it('hashes the record without hash, keys sorted, and stores exactly that record plus hash', () => {
    const unsealed = { ...callEntry(1), seq: 1, ts: '2025-01-01T00:00:00.000Z', prev: GENESIS };
    const { record, line } = sealRecord(unsealed);
    expect(record.hash).toBe(hashRecord(unsealed));
    // Key order and a stray hash field must not change the digest.
    const shuffled = Object.fromEntries(Object.entries(unsealed).reverse());
    expect(hashRecord({ ...shuffled, hash: 'x' })).toBe(record.hash);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(Object.keys(parsed).sort());
    expect(line.endsWith('}\n')).toBe(true);
    expect(line).not.toMatch(/[ \t]/);
  });

  it('starts at seq 1 with prev = 64 zeros and links every record to the one before', async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    expect(log.head()).toEqual({ seq: 0, hash: GENESIS });
    const first = await log.append(callEntry(1));
    const second = await log.append(callEntry(2));
    expect(first.seq).toBe(1);
    expect(first.prev).toBe('0'.repeat(64));
    expect(second.prev).toBe(first.hash);
    expect(log.head()).toEqual({ seq: 2, hash: second.hash });
    await log.close();
  });

  it('verifies after many appends, including after reopening the log', async () => {
    const dir = await tempDir();
    await writeRecords(dir, 300);
    const reopened = await openLog(dir);
    expect(reopened.head().seq).toBe(300);
    await reopened.append(callEntry(301));
    await reopened.close();
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 301 });
    expect(await readLines(join(dir, 'tool_audit.jsonl'))).toHaveLength(301);
  });

  it('writes every SPEC §9 field, with ISO UTC timestamps from the injected clock', async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { now: () => Date.parse('2025-06-01T12:00:00Z') });
    const record = await log.append(callEntry(1, { decision: 'deny', reason: 'path_outside_workspace' }));
    await log.close();
    const [line] = await readLines(join(dir, 'tool_audit.jsonl'));
    expect(Object.keys(JSON.parse(line as string)).sort()).toEqual(
      ['agent_id', 'args', 'call_id', 'decision', 'duration_us', 'hash', 'phase', 'prev', 'reason', 'result', 'seq', 'task_id', 'tool', 'ts', 'type'],
    );
    expect(record.ts).toBe('2025-06-01T12:00:00.000Z');
    expect(JSON.parse(line as string)).toEqual(record);
  });

  it('refuses an entry it cannot serialize without breaking the chain', async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    await log.append(callEntry(1));
    await expect(log.append(callEntry(2, { args: { n: 10n } }))).rejects.toMatchObject({ code: 'audit_unavailable' });
    expect((await log.append(callEntry(3))).seq).toBe(2);
    await log.close();
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 2 });
  });
});
