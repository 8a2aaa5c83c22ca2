/** The sidecar's denial reporter: only deny records, bounded queue, batches, retry after a failed send, values shortened. */
import { describe, expect, it } from 'vitest';
import type { DenialReport } from '../../core/coordinator/index.js';
import { createLogger } from '../../core/log.js';
import type { AuditEntry, AuditLog, AuditRecord } from '../../proxy/audit/types.js';
import { createDenialReporter } from '../../proxy/sidecar/denial-report.js';

const logger = createLogger('denial-report-test', 'silent');

/** An in-memory audit log that numbers records. */
function memoryLog(): AuditLog {
  let seq = 0;
  const appendNow = (entry: AuditEntry) => ({ ...entry, seq: ++seq, ts: new Date(0).toISOString(), prev: '0', hash: String(seq) }) as AuditRecord;
  return {
    append: async (entry: AuditEntry) => appendNow(entry),
    appendNow,
    head: () => ({ seq, hash: String(seq) }),
    close: async () => undefined,
  };
}

const call = (decision: 'allow' | 'deny' | 'would_deny', over: Partial<AuditEntry> = {}): AuditEntry => ({
  type: 'call', call_id: 'c', agent_id: 'a1', task_id: 'T-1', phase: 'PLAN', tool: 'write_file',
  args: { path: 'src/x.ts' }, decision, reason: decision === 'allow' ? null : 'tool_not_allowed', result: null, duration_us: null, ...over,
});

describe('denial reporter', () => {
  it('queues only deny call records and sends them in batches of at most batchSize', async () => {
    const sent: DenialReport[][] = [];
    const r = createDenialReporter({ send: async (b) => void sent.push([...b]), logger, intervalMs: 60_000, batchSize: 2 });
    const log = r.observe(memoryLog());
    await log.append(call('allow'));
    await log.append(call('would_deny'));
    await log.append(call('deny', { args: { command: 'rm -rf /' }, tool: 'run_command', reason: 'command_not_permitted' }));
    await log.append({ ...call('deny'), type: 'result' });
    await log.append(call('deny'));
    await r.flush();
    await log.append(call('deny', { reason: 'Not A Code' }));
    await r.close();
    expect(sent.map((b) => b.length)).toEqual([2, 1]);
    expect(sent[0]?.[0]).toEqual({ ts: new Date(0).toISOString(), agent_id: 'a1', task_id: 'T-1', phase: 'PLAN', tool: 'run_command', path: 'rm -rf /', reason: 'command_not_permitted', audit_seq: 3 });
    expect(sent[0]?.[1]).toMatchObject({ tool: 'write_file', path: 'src/x.ts', audit_seq: 5 });
    expect(sent[1]?.[0]?.reason).toBe('denied');
  });

  it('queues the same records when the sidecar appends synchronously (the tool-call hot path)', async () => {
    const sent: DenialReport[][] = [];
    const r = createDenialReporter({ send: async (b) => void sent.push([...b]), logger, intervalMs: 60_000 });
    const log = r.observe(memoryLog());
    log.appendNow(call('allow'));
    log.appendNow(call('would_deny'));
    log.appendNow({ ...call('deny'), type: 'result' });
    expect(log.appendNow(call('deny', { args: { path: 'src/secret.ts' } })).seq).toBe(4);
    await r.close();
    expect(sent.flat()).toEqual([expect.objectContaining({ path: 'src/secret.ts', audit_seq: 4, reason: 'tool_not_allowed' })]);
  });

  it('keeps at most maxQueued (oldest dropped) while the coordinator is away, and retries', async () => {
    let up = false;
    const sent: DenialReport[] = [];
    const r = createDenialReporter({
      send: async (b) => {
        if (!up) throw new Error('coordinator down');
        sent.push(...b);
      },
      logger, intervalMs: 60_000, maxQueued: 5, batchSize: 100,
    });
    const log = r.observe(memoryLog());
    for (let i = 0; i < 12; i++) await log.append(call('deny'));
    await r.flush();
    expect(sent).toEqual([]);
    up = true;
    await r.close();
    expect(sent.map((d) => d.audit_seq)).toEqual([8, 9, 10, 11, 12]);
  });

  it('a flush sends what was queued when it started: refusals arriving meanwhile wait for the next one', async () => {
    const sent: number[] = [];
    let log!: AuditLog;
    const r = createDenialReporter({
      send: async (b) => {
        sent.push(b.length);
        // An agent keeps getting refused while the request is out.
        for (let i = 0; i < 3; i++) await log.append(call('deny'));
      },
      logger, intervalMs: 60_000,
    });
    log = r.observe(memoryLog());
    await log.append(call('deny'));
    await r.flush();
    expect(sent).toEqual([1]);
    await r.flush();
    expect(sent).toEqual([1, 3]);
    await r.close();
  });

  it('shortens over-long values to what the coordinator accepts, and empty ones to null', async () => {
    const sent: DenialReport[] = [];
    const r = createDenialReporter({ send: async (b) => void sent.push(...b), logger, intervalMs: 60_000 });
    const log = r.observe(memoryLog());
    await log.append(call('deny', { tool: 't'.repeat(5000), args: { path: 'p'.repeat(5000) }, phase: '' }));
    await r.close();
    expect(sent[0]?.tool).toHaveLength(200);
    expect(sent[0]?.path).toHaveLength(1000);
    expect(sent[0]?.phase).toBeNull();
  });
});
