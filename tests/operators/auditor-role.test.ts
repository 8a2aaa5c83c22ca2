/**
 * The auditor role (PHASEGATE_AUDITOR_KEY): reads tasks, approvals, events (and their stream)
 * and checkpoints; every route that changes state refuses it with 403 and changes nothing.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { coordinatorRoutes } from '../../core/coordinator/http/index.js';
import type { RouteDeps } from '../../core/coordinator/http/route-deps.js';
import { CYCLE_CONTRACT, NO_EVIDENCE, startTest, type TestCoordinator } from '../coordinator/http/helpers.js';

let c: TestCoordinator;
beforeEach(async () => {
  c = await startTest({ contractText: CYCLE_CONTRACT });
});
afterEach(async () => {
  await c.dispose();
});

/** A claimed task parked at B → COMPLETE behind an approval. */
async function parked(): Promise<{ id: string; approvalId: string; token: string }> {
  const id = (await c.admin('POST', '/api/v1/tasks', { title: 'T' })).body.task.id as string;
  const claimed = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: id });
  const step = (token: string, from: string, to: string) =>
    c.sidecar('POST', '/api/v1/tasks/transition', { current_phase: from, target_phase: to, phase_token: token, artifacts: {}, evidence: NO_EVIDENCE });
  const toB = await step(claimed.body.phase_token, 'A', 'B');
  const park = await step(toB.body.new_token, 'B', 'COMPLETE');
  expect(park.body.status).toBe('awaiting_approval');
  return { id, approvalId: park.body.approval_id, token: toB.body.new_token };
}

describe('auditor key', () => {
  it('is generated into the data dir with mode 0600, distinct from the other keys', async () => {
    expect(c.keyFiles.auditor).toBe(join(c.dataDir, 'auditor.key'));
    expect((await stat(c.keyFiles.auditor as string)).mode & 0o777).toBe(0o600);
    expect(new Set([c.adminKey, c.sidecarKey, c.auditorKey]).size).toBe(3);
  });

  it('refuses to start when the auditor key equals the admin key', async () => {
    const same = 'k'.repeat(40);
    await expect(startTest({ env: { PHASEGATE_ADMIN_KEY: same, PHASEGATE_AUDITOR_KEY: same } })).rejects.toThrow(/PHASEGATE_AUDITOR_KEY must differ/);
  });

  it('reads tasks, one task, approvals, events and checkpoints', async () => {
    const { id, approvalId } = await parked();
    await c.sidecar('POST', '/api/v1/checkpoints', { agent_id: 'a1', task_id: id, seq: 3, hash: 'a'.repeat(64) });
    const tasks = await c.auditor('GET', '/api/v1/tasks');
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks.map((t: { id: string }) => t.id)).toEqual([id]);
    expect((await c.auditor('GET', `/api/v1/tasks/${id}`)).body.task.status).toBe('awaiting_approval');
    const approvals = await c.auditor('GET', '/api/v1/approvals');
    expect(approvals.status).toBe(200);
    expect(approvals.body.approvals.map((a: { id: string }) => a.id)).toEqual([approvalId]);
    const events = await c.auditor('GET', '/api/v1/events?since=0');
    expect(events.status).toBe(200);
    expect(events.body.events.map((e: { type: string }) => e.type)).toContain('approval_requested');
    const checkpoints = await c.auditor('GET', '/api/v1/checkpoints?agent=a1');
    expect(checkpoints.status).toBe(200);
    expect(checkpoints.body.checkpoints).toEqual([expect.objectContaining({ agent_id: 'a1', seq: 3 })]);
  });

  it('follows the event stream', async () => {
    await c.admin('POST', '/api/v1/tasks', { title: 'streamed' });
    const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/v1/events/stream?since=0`, { headers: { authorization: `Bearer ${c.auditorKey}` } });
    const first = await new Promise<any>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data))));
      ws.once('error', reject);
    });
    ws.close();
    expect(first).toMatchObject({ type: 'task_created', data: { title: 'streamed' } });
  });

  it('is refused (403) by every route that changes state, and nothing changes', async () => {
    const { id, approvalId, token } = await parked();
    const before = (await c.admin('GET', `/api/v1/tasks/${id}`)).body.task;
    const eventsBefore = (await c.admin('GET', '/api/v1/events?since=0')).body.events.length;
    // Every route the server has, so a decision route added later is covered without editing this test.
    const routes = coordinatorRoutes({} as RouteDeps).filter((r) => r.access !== 'anyone' && !r.access.includes('auditor'));
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'POST /api/v1/tasks',
      'POST /api/v1/tasks/:id/pause',
      'POST /api/v1/tasks/:id/resume',
      'POST /api/v1/tasks/:id/release',
      'POST /api/v1/tasks/claim',
      'POST /api/v1/tasks/transition',
      'POST /api/v1/tasks/:id/heartbeat',
      'POST /api/v1/tokens/refresh',
      'GET /api/v1/state/snapshot',
      'POST /api/v1/approvals/:id/approve',
      'POST /api/v1/approvals/:id/reject',
      'POST /api/v1/checkpoints',
    ]) {
      expect(paths).toContain(expected);
    }
    // The one read closed to the auditor is the agent's own snapshot (it needs a phase token).
    expect(routes.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(['/api/v1/state/snapshot']);
    const bodies: Record<string, unknown> = {
      'POST /api/v1/tasks': { title: 'x' },
      'POST /api/v1/tasks/:id/pause': { reason: 'r' },
      'POST /api/v1/tasks/:id/release': {},
      'POST /api/v1/tasks/claim': { agent_id: 'auditor-as-agent' },
      'POST /api/v1/tasks/transition': { current_phase: 'B', target_phase: 'A', phase_token: token, artifacts: {}, evidence: NO_EVIDENCE },
      'POST /api/v1/tasks/:id/heartbeat': { agent_id: 'a1' },
      'POST /api/v1/tokens/refresh': { phase_token: token },
      'POST /api/v1/approvals/:id/approve': {},
      'POST /api/v1/approvals/:id/reject': { reason: 'no' },
      'POST /api/v1/checkpoints': { agent_id: 'a1', task_id: id, seq: 9, hash: 'b'.repeat(64) },
    };
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      const path = r.path.replace(':id', r.path.includes('approvals') ? approvalId : id);
      const res = await c.auditor(r.method, path, r.method === 'POST' ? (bodies[key] ?? {}) : undefined, { 'x-phase-token': token });
      expect(res.status, key).toBe(403);
      expect(res.body.error.reason, key).toBe('forbidden');
    }
    expect((await c.admin('GET', `/api/v1/tasks/${id}`)).body.task).toEqual(before);
    expect((await c.admin('GET', '/api/v1/approvals')).body.approvals.map((a: { id: string }) => a.id)).toEqual([approvalId]);
    expect((await c.admin('GET', '/api/v1/events?since=0')).body.events.length).toBe(eventsBefore);
    expect((await c.admin('GET', '/api/v1/checkpoints?agent=a1')).body.checkpoints).toEqual([]);
  });
});
