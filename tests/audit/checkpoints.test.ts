import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyAudit, type AuditRecord, type Checkpoint } from '../../proxy/audit/index.js';
import { callEntry, openLog, readLines, removeTempDirs, tempDir, writeLines } from './helpers.js';

let dir: string;
let live: string;
let checkpoints: Checkpoint[];

/** Writes 50 records and takes the head as a checkpoint every 10 (as the sidecar sends them). */
async function writeWithCheckpoints(target: string, tool = 'read_file'): Promise<Checkpoint[]> {
  const log = await openLog(target);
  const taken: Checkpoint[] = [];
  for (let i = 1; i <= 50; i++) {
    await log.append(callEntry(i, { tool }));
    if (i % 10 === 0) taken.push(log.head());
  }
  await log.close();
  return taken;
}

beforeEach(async () => {
  dir = await tempDir();
  live = join(dir, 'tool_audit.jsonl');
  checkpoints = await writeWithCheckpoints(dir);
});
afterEach(removeTempDirs);

describe('checkpoints close the gaps a self-contained chain leaves', () => {
  it('an intact log matches every checkpoint', async () => {
    expect(await verifyAudit(dir, { checkpoints })).toEqual({ ok: true, records: 50 });
  });

  it('truncation (last 10 lines dropped) passes the chain alone but fails against checkpoints', async () => {
    await writeLines(live, (await readLines(live)).slice(0, 40));
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 40 });
    expect(await verifyAudit(dir, { checkpoints })).toMatchObject({ ok: false, file: live, line: 40, problem: 'checkpoint_not_reached' });
  });

  it('a wholesale replacement with a valid chain fails at the first checkpointed record', async () => {
    await rm(live);
    await writeWithCheckpoints(dir, 'write_file'); // a different history, internally consistent
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 50 });
    expect(await verifyAudit(dir, { checkpoints })).toMatchObject({ ok: false, file: live, line: 10, problem: 'checkpoint_mismatch' });
  });

  it('a rewrite of the records after a checkpoint is caught at the next checkpoint', async () => {
    const lines = await readLines(live);
    await writeLines(live, lines.slice(0, 25));
    const log = await openLog(dir);
    for (let i = 26; i <= 50; i++) await log.append(callEntry(i, { decision: 'deny' }));
    await log.close();
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 50 });
    expect(await verifyAudit(dir, { checkpoints })).toMatchObject({ ok: false, line: 30, problem: 'checkpoint_mismatch' });
    expect((JSON.parse((await readLines(live))[29] as string) as AuditRecord).decision).toBe('deny');
  });
});
