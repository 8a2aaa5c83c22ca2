/**
 * /metrics is unauthenticated (Prometheus scrapes it): it must carry nothing a client chose.
 * Attack: probe the API with paths, ids, queries, headers and methods full of marker text,
 * authenticated and not; then the scrape must contain no marker and no new series per probe.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_EVIDENCE, startTest, type TestCoordinator } from './helpers.js';

let c: TestCoordinator | undefined;
afterEach(async () => {
  await c?.dispose();
  c = undefined;
});

const MARK = 'agentmark';

/** A request with a method Node's client would not send through fetch. */
function rawRequest(port: number, method: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function seriesCount(text: string): number {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}

describe('/metrics', () => {
  it('leaks no client-chosen text and grows no series per probe', async () => {
    c = await startTest();
    const t = c;
    const task = await t.admin('POST', '/api/v1/tasks', { title: `${MARK} title`, description: MARK });
    await t.sidecar('POST', '/api/v1/tasks/claim', { agent_id: `${MARK}-agent` });
    const probe = async (i: number) => {
      await t.anon('GET', `/${MARK}${i}/<script>`);
      await t.admin('GET', `/api/v1/tasks/${MARK}${i}`);
      await t.admin('GET', `/api/v1/events?since=${MARK}${i}`);
      await t.sidecar('POST', '/api/v1/tasks/transition', { current_phase: MARK, target_phase: `${MARK}${i}`, phase_token: MARK, artifacts: {}, evidence: NO_EVIDENCE });
      await t.anon('GET', '/metrics', undefined, { 'x-agent': MARK });
      await rawRequest(t.port, 'PROPFIND', `/${MARK}${i}`);
    };
    await probe(0);
    const first = (await t.anon('GET', '/metrics')).body as string;
    for (let i = 1; i <= 20; i++) await probe(i);
    const later = (await t.anon('GET', '/metrics')).body as string;
    expect(task.status).toBe(201);
    expect(first).not.toContain(MARK);
    expect(later).not.toContain(MARK);
    expect(later).not.toContain('<script>');
    // Only counters move: twenty more probes add no series.
    expect(seriesCount(later)).toBe(seriesCount(first));
    expect(later).toMatch(/phasegate_open_tasks\{status="claimed"\} 1/);
  });
});
