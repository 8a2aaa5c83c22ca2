/** SPEC §11 Limits on the coordinator side: open connections beyond the cap are refused with 503 limit_exceeded. */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTest, type TestCoordinator } from '../coordinator/http/helpers.js';

let c: TestCoordinator | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await c?.dispose();
  c = undefined;
});

/** A keep-alive connection that has completed one request: the server has certainly counted it. */
function hold(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.once('data', (d) => (String(d).startsWith('HTTP/1.1 200') ? resolve(s) : reject(new Error(String(d)))));
    s.on('error', reject);
    sockets.push(s);
  });
}

describe('coordinator connection cap', () => {
  it('refuses a connection past PHASEGATE_MAX_CONNECTIONS and serves again once one closes', { timeout: 30_000 }, async () => {
    c = await startTest({ env: { PHASEGATE_MAX_CONNECTIONS: '3' } });
    const held = [await hold(c.port), await hold(c.port), await hold(c.port)];
    const refused = await fetch(`${c.url}/healthz`).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect(refused.status).toBe(503);
    expect(refused.body.error.reason).toBe('limit_exceeded');
    held[0]?.destroy();
    let ok = 0;
    for (let i = 0; i < 50 && ok !== 200; i++) {
      ok = await fetch(`${c.url}/healthz`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
      if (ok !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(200);
  });
  it('rejects a nonsense limit at start', async () => {
    await expect(startTest({ env: { PHASEGATE_MAX_CONNECTIONS: '1' } })).rejects.toThrow(/PHASEGATE_MAX_CONNECTIONS/);
  });
});
