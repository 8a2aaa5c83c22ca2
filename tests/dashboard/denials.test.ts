/** The denials feed: a real agent's refusals reach the coordinator in batches; the route bounds what it stores. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDenialFeed, type DenialReport } from '../../core/coordinator/index.js';
import { AgentClient } from '../../sdk/index.js';
import { AGENT_KEY, eventually, startDashboardStack, type DashboardStack } from './stack.js';

const report = (over: Partial<DenialReport> = {}): DenialReport => ({
  ts: '2026-11-27T21:00:00.000Z',
  agent_id: 'a1',
  task_id: 'T-1',
  phase: 'PLAN',
  tool: 'write_file',
  path: 'src/x.ts',
  reason: 'tool_not_allowed',
  audit_seq: 7,
  ...over,
});

describe('denial feed (in memory)', () => {
  it('keeps only the newest `cap` entries and pages by id', () => {
    const feed = createDenialFeed({ cap: 3, now: () => Date.parse('2026-11-27T21:00:05Z') });
    feed.add([report({ audit_seq: 1 }), report({ audit_seq: 2 })]);
    feed.add([report({ audit_seq: 3 }), report({ audit_seq: 4 }), report({ audit_seq: 5 })]);
    const all = feed.list(0, 100);
    expect(all.denials.map((d) => d.audit_seq)).toEqual([3, 4, 5]);
    expect(all.denials.map((d) => d.id)).toEqual([3, 4, 5]);
    expect(all).toMatchObject({ next: 5, head: 5 });
    expect(all.denials[0]?.received_at).toBe('2026-11-27T21:00:05.000Z');
    expect(feed.list(3, 1).denials.map((d) => d.id)).toEqual([4]);
    expect(feed.list(5, 10)).toEqual({ denials: [], next: 5, head: 5 });
    // A client that remembers ids from before a restart sees head < since and starts over.
    expect(feed.list(99, 10)).toMatchObject({ denials: [], head: 5 });
  });
});

describe('denials over the wire', () => {
  let stack: DashboardStack;
  beforeAll(async () => {
    stack = await startDashboardStack();
  });
  afterAll(() => stack.close());

  it("a real agent's refused calls appear in GET /api/v1/denials with agent, tool, path and reason", async () => {
    const sidecar = await stack.sidecar('agent-denied');
    const id = await stack.addTask('denials');
    const client = await AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY });
    try {
      await client.claimTask({ task_id: id });
      await expect(client.writeFile('<img src=x onerror=alert(1)>.ts', 'x')).rejects.toMatchObject({ reason: 'tool_not_allowed' });
      await expect(client.readFile('../../etc/passwd')).rejects.toMatchObject({ reason: 'path_outside_workspace' });
      await client.readFile('README.md'); // allowed: not reported
    } finally {
      client.close();
    }
    let denials: Array<Record<string, unknown>> = [];
    await eventually(async () => {
      denials = (await stack.admin('GET', '/api/v1/denials')).body.denials;
      return denials.length >= 2;
    });
    expect(denials).toHaveLength(2);
    expect(denials[0]).toMatchObject({ agent_id: 'agent-denied', task_id: id, phase: 'DRAFT', tool: 'write_file', path: '<img src=x onerror=alert(1)>.ts', reason: 'tool_not_allowed' });
    expect(denials[1]).toMatchObject({ tool: 'read_file', path: '../../etc/passwd', reason: 'path_outside_workspace' });
    expect(typeof denials[0]?.audit_seq).toBe('number');
  });

  it('refuses a batch with any field out of bounds, stores nothing of it, and takes reports only from sidecars', async () => {
    const before = (await stack.admin('GET', '/api/v1/denials')).body.head as number;
    const bad: Array<[unknown, string]> = [
      [{ denials: [report(), report({ reason: 'Free text <b>' })] }, 'denials[1].reason'],
      [{ denials: [report({ path: 'p'.repeat(1001) })] }, 'denials[0].path'],
      [{ denials: [report({ tool: 't'.repeat(201) })] }, 'denials[0].tool'],
      [{ denials: [report({ ts: 'yesterday' })] }, 'denials[0].ts'],
      [{ denials: [{ ...report(), audit_seq: -1 }] }, 'denials[0].audit_seq'],
      [{ denials: Array.from({ length: 101 }, () => report()) }, 'denials'],
      [{ denials: 'x' }, 'denials'],
      [{}, 'denials'],
    ];
    for (const [body, path] of bad) {
      const r = await stack.sidecarApi('POST', '/api/v1/denials', body);
      expect(r.status, path).toBe(400);
      expect(r.body.error).toMatchObject({ reason: 'invalid_body', path });
    }
    expect((await stack.admin('POST', '/api/v1/denials', { denials: [report()] })).status).toBe(403);
    expect((await stack.sidecarApi('GET', '/api/v1/denials')).status).toBe(403);
    expect((await stack.admin('GET', '/api/v1/denials')).body.head).toBe(before);
    const ok = await stack.sidecarApi('POST', '/api/v1/denials', { denials: [report({ task_id: null, phase: null, tool: null, path: null })] });
    expect(ok.status).toBe(202);
    expect((await stack.admin('GET', `/api/v1/denials?since=${before}`)).body.denials).toMatchObject([{ id: before + 1, tool: null, path: null }]);
  });
});
