/** The event log over HTTP: `since` paging, and the WebSocket stream resuming without gaps or duplicates. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTest, type TestCoordinator } from './helpers.js';

let c: TestCoordinator;
beforeEach(async () => {
  c = await startTest();
});
afterEach(async () => {
  await c.dispose();
});

const addTasks = async (n: number) => {
  for (let i = 0; i < n; i++) await c.admin('POST', '/api/v1/tasks', { title: `T${i}` });
};

/** Opens the stream and collects events until `count` arrived. */
function collect(url: string, key: string, since: number, count: number): { done: Promise<any[]>; ws: WebSocket } {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/events/stream?since=${since}`, { headers: { authorization: `Bearer ${key}` } });
  const got: any[] = [];
  const done = new Promise<any[]>((resolve, reject) => {
    ws.on('message', (data) => {
      got.push(JSON.parse(String(data)));
      if (got.length === count) resolve(got);
    });
    ws.on('error', reject);
  });
  return { done, ws };
}

describe('GET /api/v1/events', () => {
  it('pages with since/limit and next, for admin and sidecar', async () => {
    await addTasks(5);
    const all = await c.admin('GET', '/api/v1/events?since=0');
    expect(all.status).toBe(200);
    const seqs = all.body.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => seqs[0] + i));
    expect(all.body.events[0]).toMatchObject({ type: 'task_created' });
    expect(all.body.events[0]).toHaveProperty('ts');
    const page = await c.sidecar('GET', `/api/v1/events?since=${seqs[1]}&limit=2`);
    expect(page.body.events.map((e: { seq: number }) => e.seq)).toEqual([seqs[2], seqs[3]]);
    const rest = await c.sidecar('GET', `/api/v1/events?since=${page.body.next}`);
    expect(rest.body.events.map((e: { seq: number }) => e.seq)).toEqual(seqs.slice(4));
  });
});

describe('WebSocket /api/v1/events/stream', () => {
  it('sends the backlog after since, then live events, with no gap and no duplicate', async () => {
    await addTasks(3);
    const first = (await c.admin('GET', '/api/v1/events?since=0')).body.events[0].seq as number;
    const { done, ws } = collect(c.url, c.sidecarKey, first, 2 + 4);
    await new Promise((r) => ws.once('open', r));
    // Live events while the backlog may still be in flight.
    await Promise.all([addTasks(2), addTasks(2)]);
    const got = await done;
    ws.close();
    const seqs = got.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 6 }, (_, i) => first + 1 + i));
  });

  it('resumes from the last seen seq after a reconnect', async () => {
    await addTasks(2);
    const a = collect(c.url, c.adminKey, 0, 2);
    const firstBatch = await a.done;
    a.ws.close();
    await addTasks(3); // happens while disconnected
    const last = firstBatch.at(-1).seq as number;
    const b = collect(c.url, c.adminKey, last, 3);
    const second = await b.done;
    b.ws.close();
    expect([...firstBatch, ...second].map((e) => e.seq)).toEqual(Array.from({ length: 5 }, (_, i) => firstBatch[0].seq + i));
  });

  it('refuses an upgrade without a valid key with HTTP 401 and no socket', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-key-wrong-key' }]) {
      const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/v1/events/stream`, { headers });
      const status = await new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);
      ws.terminate();
    }
  });

  it('closes streams on coordinator shutdown', async () => {
    const { ws } = collect(c.url, c.adminKey, 0, 1);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await c.close();
    expect(await closed).toBe(1001);
  });
});
