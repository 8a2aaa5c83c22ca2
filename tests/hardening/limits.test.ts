/**
 * SPEC §11 Limits across connections, attacked over the real wire: 150 concurrent HTTP
 * run_command calls, connections past the cap. (Body memory: limits-memory.test.ts.)
 */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveLimits } from '../../proxy/sidecar/limits.js';
import { AGENT_KEY, RawAgent } from '../sidecar/stack.js';
import { startMini, type MiniStack } from './mini-stack.js';

let stack: MiniStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** POST /api/v1/tools/execute on its own connection (no keep-alive pooling: every call is one more socket). */
function execute(url: string, agent: Agent, token: string, args: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ phase_token: token, tool_name: 'run_command', args });
    const req = request(`${url}/api/v1/tools/execute`, { method: 'POST', agent, headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('sidecar-wide limits', () => {
  it('150 concurrent HTTP run_command calls: every one answered, never more than 4 running at once', { timeout: 180_000 }, async () => {
    stack = await startMini({ sidecar: { limits: { maxConnections: 200 } } });
    const { token } = await stack.claim();
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    // Each command prints its own start and end time (ns): the intervals show the overlap.
    const script = 'date +%s%N; sleep 0.05; date +%s%N';
    const replies = await Promise.all(Array.from({ length: 150 }, () => execute(stack!.sidecar.httpUrl, agent, token, { argv: ['sh', '-c', script] })));
    agent.destroy();
    expect(replies.map((r) => r.status)).toEqual(Array(150).fill(200));
    const events: [bigint, number][] = [];
    for (const r of replies) {
      const [start, end] = (r.body.result.stdout as string).trim().split('\n').map((l) => BigInt(l));
      events.push([start as bigint, 1], [end as bigint, -1]);
    }
    // Ends before starts at the same instant: touching intervals do not overlap.
    events.sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
    let running = 0;
    let peak = 0;
    for (const [, d] of events) peak = Math.max(peak, (running += d));
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1); // they did run concurrently, up to the limit
  });

  it('a connection past the cap is refused with 503 limit_exceeded; once one closes, a new one is served', { timeout: 30_000 }, async () => {
    stack = await startMini({ sidecar: { limits: { maxConnections: 4 } } });
    const held: RawAgent[] = [];
    for (let i = 0; i < 4; i++) held.push(await stack.connect());
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(stack!.sidecar.url, { headers: { authorization: `Bearer ${AGENT_KEY}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(503);
    const http = await fetch(`${stack.sidecar.httpUrl}/api/v1/state/snapshot`, { headers: { authorization: `Bearer ${AGENT_KEY}` } }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as any }),
      () => ({ status: -1, body: undefined }),
    );
    expect(http.status).toBe(503);
    expect(http.body.error.reason).toBe('limit_exceeded');
    held.pop()?.close();
    // The slot frees once the server sees the close.
    let again: RawAgent | undefined;
    for (let i = 0; i < 50 && again === undefined; i++) {
      again = await stack.connect().catch(async () => (await new Promise((r) => setTimeout(r, 100)), undefined));
    }
    expect(again).toBeDefined();
  });

  it('limits are validated at start, naming the setting', () => {
    expect(resolveLimits(undefined, {})).toEqual({ maxCommands: 4, maxBodyBytes: 32 * 1024 * 1024, maxConnections: 128 });
    expect(resolveLimits(undefined, { PHASEGATE_MAX_COMMANDS: '2' }).maxCommands).toBe(2);
    expect(() => resolveLimits({ maxCommands: 0 }, {})).toThrow(/maxCommands \(PHASEGATE_MAX_COMMANDS\)/);
    expect(() => resolveLimits(undefined, { PHASEGATE_MAX_CONNECTIONS: 'lots' })).toThrow(/PHASEGATE_MAX_CONNECTIONS/);
  });
});
