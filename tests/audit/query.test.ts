import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { queryAudit, type AuditFilter, type AuditRecord } from '../../proxy/audit/index.js';
import { callEntry, openLog, removeTempDirs, tempDir } from './helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  const log = await openLog(dir, { maxBytes: 3000, now: (() => { let t = Date.parse('2025-01-01T00:00:00Z'); return () => (t += 60_000); })() });
  const decisions = ['allow', 'deny', 'would_deny'] as const;
  for (let i = 1; i <= 30; i++) {
    await log.append(callEntry(i, {
      agent_id: i % 2 === 0 ? 'agent-a' : 'agent-b',
      task_id: i <= 15 ? 'task-1' : 'task-2',
      tool: i % 3 === 0 ? 'run_command' : 'read_file',
      decision: decisions[i % 3] ?? 'allow',
    }));
  }
  await log.close();
});
afterAll(removeTempDirs);

async function seqs(filter: AuditFilter): Promise<number[]> {
  const out: number[] = [];
  for await (const record of queryAudit(dir, filter)) out.push((record as AuditRecord).seq);
  return out;
}

describe('queryAudit', () => {
  it('returns every record in chain order across rotated files with no filter', async () => {
    expect((await readdir(dir)).length).toBeGreaterThan(2);
    expect(await seqs({})).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('filters by agent, task, tool, decision and since, combined', async () => {
    expect(await seqs({ agent: 'agent-a' })).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
    expect(await seqs({ task: 'task-2', tool: 'run_command' })).toEqual([18, 21, 24, 27, 30]);
    expect(await seqs({ decision: 'deny' })).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
    // Record i is stamped 2025-01-01T00:00Z + i minutes.
    expect(await seqs({ since: '2025-01-01T00:28:00Z' })).toEqual([28, 29, 30]);
    expect(await seqs({ agent: 'agent-b', decision: 'would_deny', since: '2025-01-01T00:10:00Z' })).toEqual([11, 17, 23, 29]);
  });

  it('rejects a since that is not a time', async () => {
    await expect(seqs({ since: 'yesterday' })).rejects.toBeInstanceOf(TypeError);
  });
});
