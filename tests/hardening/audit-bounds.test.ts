/** SPEC §9 bounded fields, attacked over the real wire: a 7 MiB tool name and huge args never reach the log as is. */
import { stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/contract/canonical-json.js';
import { verifyAudit } from '../../proxy/audit/index.js';
import { boundFields } from '../../proxy/audit/bound-fields.js';
import { startMini, type MiniStack } from './mini-stack.js';

let stack: MiniStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const MiB = 1024 * 1024;

describe('bounded audit fields', () => {
  it('a 7 MiB tool name over ws and HTTP is stored as {sha256, bytes}; the log stays small and its chain verifies', { timeout: 60_000 }, async () => {
    let logged = 0;
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((logged += chunk.length), done()) });
    stack = await startMini({ sidecar: { logger: pino({ level: 'info' }, sink) } });
    const { agent, token } = await stack.claim();
    const before = (await stat(join(stack.auditDir, 'tool_audit.jsonl'))).size;
    const name = 'x'.repeat(7 * MiB);
    const ws = await agent.call('tool.call', { token, tool: name, args: { path: 'y'.repeat(MiB / 4), nested: { deep: ['z'.repeat(MiB / 4)] }, ['k'.repeat(MiB / 4)]: 1 } });
    expect(ws.error?.data.reason).toBe('tool_not_allowed');
    const http = await stack.execute(token, name, {});
    expect(http.status).toBe(403);
    // The refusal message does not echo the name back either.
    expect(JSON.stringify(http.body).length).toBeLessThan(4096);

    const grown = (await stat(join(stack.auditDir, 'tool_audit.jsonl'))).size - before;
    expect(grown).toBeLessThan(16 * 1024);
    const calls = (await stack.audit()).filter((r) => r.type === 'call' && typeof r.tool === 'object');
    expect(calls).toHaveLength(2);
    for (const r of calls) expect(r.tool).toEqual({ sha256: sha256Hex(name), bytes: 7 * MiB });
    expect((await verifyAudit(stack.auditDir)).ok).toBe(true);
    // Nor does the sidecar's log (whose denials become the operator's progress lines) carry the name.
    expect(logged).toBeLessThan(64 * 1024);
  });

  it('every string field is bounded, multi-byte text by its UTF-8 size', () => {
    const big = 'é'.repeat(2100); // 4200 bytes in 2100 UTF-16 units
    const r = boundFields({
      seq: 1, ts: 't', type: 'call', call_id: big, agent_id: big, task_id: big, phase: big, tool: big, args: null,
      decision: 'deny', reason: big, result: { ok: false, error: big }, duration_us: null, prev: '0'.repeat(64),
    });
    const digest = { sha256: sha256Hex(big), bytes: 4200 };
    expect([r.call_id, r.agent_id, r.task_id, r.phase, r.tool, r.reason, r.result?.error]).toEqual(Array(7).fill(digest));
    expect(boundFields({ ...r, tool: 'read_file' }).tool).toBe('read_file');
  });
});
