import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../core/log.js';
import { openAuditLog, type AuditEntry, type AuditLog, type AuditLogOptions } from '../../proxy/audit/index.js';

export const silent = createLogger('audit-test', 'silent');

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pg-audit-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A frozen clock advancing 1 s per reading, so `ts` is deterministic. */
export function steppingClock(start = Date.parse('2025-01-01T00:00:00Z')): () => number {
  let t = start;
  return () => (t += 1000);
}

export function callEntry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    type: 'call',
    call_id: `c${i}`,
    agent_id: 'agent-1',
    task_id: 'task-1',
    phase: 'IMPL',
    tool: 'read_file',
    args: { path: `src/f${i}.ts` },
    decision: 'allow',
    reason: null,
    result: null,
    duration_us: null,
    ...over,
  };
}

export async function openLog(dir: string, opts: Partial<AuditLogOptions> = {}): Promise<AuditLog> {
  return openAuditLog({ dir, logger: silent, now: steppingClock(), ...opts });
}

/** Opens a log, appends `count` call records in order, closes it. */
export async function writeRecords(dir: string, count: number, opts: Partial<AuditLogOptions> = {}): Promise<void> {
  const log = await openLog(dir, opts);
  for (let i = 1; i <= count; i++) await log.append(callEntry(i));
  await log.close();
}

export async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').slice(0, -1);
}

export async function writeLines(file: string, lines: readonly string[]): Promise<void> {
  await writeFile(file, lines.map((line) => line + '\n').join(''));
}
