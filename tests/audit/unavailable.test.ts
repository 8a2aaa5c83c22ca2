import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, rename, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyAudit } from '../../proxy/audit/index.js';
import { rotatedName } from '../../proxy/audit/files.js';
import { CHECK_MS } from '../../proxy/audit/unchecked-lines.js';
import { callEntry, openLog, removeTempDirs, tempDir } from './helpers.js';

/** Lets the live file's identity check fall due: it runs every CHECK_MS of appends, not before every record. */
const pastCheck = () => new Promise((resolve) => setTimeout(resolve, CHECK_MS + 5));

afterEach(removeTempDirs);

// Tests run as root, so chmod cannot make a path unwritable: each case breaks the path in a
// way that stops root too.
describe('fail closed: audit_unavailable and the head stays put', () => {
  it('refuses appends while the live file is replaced by a directory, then chains on correctly', async () => {
    const dir = await tempDir();
    const live = join(dir, 'tool_audit.jsonl');
    const log = await openLog(dir);
    for (let i = 1; i <= 3; i++) await log.append(callEntry(i));
    const head = log.head();
    await rename(live, join(dir, 'saved'));
    await mkdir(live);
    await pastCheck();
    await expect(log.append(callEntry(4))).rejects.toMatchObject({ code: 'audit_unavailable' });
    const burst = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => log.append(callEntry(5 + i))));
    expect(burst.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'audit_unavailable')).toBe(true);
    expect(log.head()).toEqual(head);
    await rmdir(live);
    await rename(join(dir, 'saved'), live);
    const next = await log.append(callEntry(4));
    expect(next).toMatchObject({ seq: 4, prev: head.hash });
    await log.close();
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 4 });
  });

  it('refuses appends when the disk is full (/dev/full), then chains on correctly', async () => {
    const dir = await tempDir();
    const live = join(dir, 'tool_audit.jsonl');
    const log = await openLog(dir);
    await log.append(callEntry(1));
    const head = log.head();
    await rename(live, join(dir, 'saved'));
    await symlink('/dev/full', live);
    await pastCheck();
    await expect(log.append(callEntry(2))).rejects.toMatchObject({ code: 'audit_unavailable', detail: { cause: 'ENOSPC' } });
    expect(log.head()).toEqual(head);
    await unlink(live);
    await rename(join(dir, 'saved'), live);
    expect(await log.append(callEntry(2))).toMatchObject({ seq: 2, prev: head.hash });
    await log.close();
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 2 });
  });

  it('refuses appends when the audit directory itself is replaced by a file', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'audit');
    const log = await openLog(dir);
    await log.append(callEntry(1));
    const head = log.head();
    await rename(dir, join(parent, 'moved'));
    await writeFile(dir, 'not a directory');
    await pastCheck();
    await expect(log.append(callEntry(2))).rejects.toMatchObject({ code: 'audit_unavailable' });
    expect(log.head()).toEqual(head);
    await log.close();
  });

  it('never writes into a live file that was deleted under it (records would be unreadable)', async () => {
    const dir = await tempDir();
    const live = join(dir, 'tool_audit.jsonl');
    const log = await openLog(dir);
    await log.append(callEntry(1));
    await pastCheck();
    await log.append(callEntry(2)); // the check before it confirms record 1 is in the live file
    await pastCheck();
    await unlink(live);
    await log.append(callEntry(3));
    await log.close();
    // Record 1 went with the deleted file; record 2 (not yet confirmed when it was deleted) is written again, then 3.
    const lines = (await readFile(live, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([2, 3]);
    // The deletion shows: the chain no longer starts at genesis.
    expect(await verifyAudit(dir)).toMatchObject({ ok: false, file: live, line: 1, problem: 'seq_mismatch' });
  });

  it('writes again into the new live file what went into a deleted one before the check noticed', async () => {
    const dir = await tempDir();
    const live = join(dir, 'tool_audit.jsonl');
    const log = await openLog(dir);
    await log.append(callEntry(1));
    await unlink(live);
    // Within one check interval: these land in the deleted inode first.
    await log.append(callEntry(2));
    await log.append(callEntry(3));
    await pastCheck();
    await log.append(callEntry(4));
    await log.close();
    const lines = (await readFile(live, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3, 4]);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 4 });
  });

  it('keeps what a deleted live file took with it while the path cannot be written, and writes it once it can', async () => {
    const dir = await tempDir();
    const live = join(dir, 'tool_audit.jsonl');
    const log = await openLog(dir);
    await log.append(callEntry(1));
    await unlink(live);
    await log.append(callEntry(2)); // into the deleted inode, not yet confirmed
    await mkdir(live);
    await pastCheck();
    await expect(log.append(callEntry(3))).rejects.toMatchObject({ code: 'audit_unavailable' });
    await rmdir(live);
    await log.close();
    const lines = (await readFile(live, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2]);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 2 });
  });

  it('follows a live file moved away by an outside rotation without losing or repeating a record', async () => {
    const dir = await tempDir();
    const live = join(dir, 'tool_audit.jsonl');
    const log = await openLog(dir);
    await log.append(callEntry(1));
    await rename(live, join(dir, rotatedName(1)));
    await log.append(callEntry(2)); // before the check: still goes to the moved file, which keeps its name
    await pastCheck();
    await log.append(callEntry(3));
    await log.close();
    expect((await readFile(join(dir, rotatedName(1)), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l).seq)).toEqual([1, 2]);
    expect((await readFile(live, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l).seq)).toEqual([3]);
    expect(await verifyAudit(dir)).toEqual({ ok: true, records: 3 });
  });

  it('refuses to open on a path that is a file', async () => {
    const parent = await tempDir();
    await writeFile(join(parent, 'audit'), 'x');
    await expect(openLog(join(parent, 'audit'))).rejects.toMatchObject({ code: 'audit_unavailable' });
  });

  it('validates its options when called', async () => {
    await expect(openLog('')).rejects.toBeInstanceOf(TypeError);
    await expect(openLog(await tempDir(), { maxBytes: 0 })).rejects.toBeInstanceOf(TypeError);
  });
});
