/** The SDK keeps the phase token itself: rotation on transitions, refresh before expiry. */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentClient } from '../../sdk/index.js';
import { AGENT_KEY, eventually, startSdkStack, type SdkStack } from './sdk-stack.js';

let stack: SdkStack | undefined;
let client: AgentClient | undefined;

afterEach(async () => {
  client?.close();
  await stack?.close();
  client = undefined;
  stack = undefined;
});

/** One raw JSON-RPC request on a fresh socket: no SDK in between to refresh the token. */
function rawCall(url: string, method: string, params: unknown): Promise<{ result?: unknown; error?: { code: number; data: { reason: string } } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${AGENT_KEY}` } });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number };
      if (msg.id !== 1) return;
      ws.close();
      resolve(msg as never);
    });
  });
}

describe('token handling', () => {
  it('stores the new token on a transition; the old one is refused as superseded', async () => {
    stack = await startSdkStack();
    await stack.addTask();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    const claim = await client.claimTask();
    expect(client.token).toBe(claim.token);
    expect(client.phase).toBe('DRAFT');

    const moved = await client.requestTransition('READY');
    expect(moved.allowed).toBe(true);
    expect(client.phase).toBe('READY');
    expect(client.token).not.toBe(claim.token);
    await expect(client.readFile('README.md')).resolves.toMatchObject({ bytes: 21 });

    const stale = await rawCall(stack.sidecar.url, 'tool.call', { token: claim.token, tool: 'read_file', args: { path: 'README.md' } });
    expect(stale.error?.code).toBe(-32001);
    expect(stale.error?.data.reason).toBe('token_superseded');
  });

  it('knows its phase from the environment token before any call', async () => {
    stack = await startSdkStack();
    await stack.addTask();
    const first = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    const { token } = await first.claimTask();
    first.close();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY, token });
    expect(client.phase).toBe('DRAFT');
  });

  it('refreshes the token before it expires, without any call', async () => {
    // The shortest TTL the coordinator accepts; a 9 s lead schedules the refresh ~1 s in.
    stack = await startSdkStack({ coordinatorEnv: { PHASEGATE_TOKEN_TTL: '10' } });
    await stack.addTask();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY, refreshLeadSeconds: 9 });
    const { token } = await client.claimTask();
    const c = client;
    await eventually(() => c.token !== token, 5_000);
    const exp = (t: string) => (JSON.parse(Buffer.from(t.split('.')[1] as string, 'base64url').toString('utf8')) as { exp: number }).exp;
    expect(exp(c.token as string)).toBeGreaterThanOrEqual(exp(token));
    await expect(c.readFile('README.md')).resolves.toMatchObject({ bytes: 21 });
  });
});
