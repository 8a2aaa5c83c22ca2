/**
 * Sidecar round trips over loopback WebSocket, with their baselines measured in the same run:
 * a bare `ws` echo, the audited-RPC floor (`ws.rpc_floor`: the least any audited call can
 * cost) and the same read done directly with `fs`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { AGENT_KEY, startBenchStack } from './stack.js';
import { benchAsync, benchThroughput, type BenchResult } from './harness.js';


/** A minimal promise-per-request JSON-RPC client over one socket. */
class Client {
  private readonly pending = new Map<number, (msg: unknown) => void>();
  private id = 0;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number };
      const done = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (done !== undefined) {
        this.pending.delete(msg.id as number);
        done(msg);
      }
    });
  }
  static open(url: string, headers: Record<string, string> = {}): Promise<Client> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      ws.once('open', () => ok(new Client(ws)));
      ws.once('error', fail);
    });
  }
  call(method: string, params: unknown): Promise<any> {
    const id = ++this.id;
    return new Promise((ok) => {
      this.pending.set(id, ok);
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }
}

export async function benches(): Promise<BenchResult[]> {
  const stack = await startBenchStack('sidecar');
  const { root, workspace, sidecar } = stack;
  const auth = { authorization: `Bearer ${AGENT_KEY}` };
  const agent = await Client.open(sidecar.url, auth);
  const { result: claim } = await agent.call('task.claim', {});
  const token = claim.token as string;
  const denied = { token, tool: 'write_file', args: { path: 'src/app.ts', content: 'x' } };
  const read = { token, tool: 'read_file', args: { path: 'one_k.txt' } };

  // The echo baseline carries a message of the same size as the denied call.
  const echoServer = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  echoServer.on('connection', (ws) => ws.on('message', (data) => ws.send(String(data))));
  await new Promise<void>((ok) => echoServer.once('listening', () => ok()));
  const echoPort = (echoServer.address() as { port: number }).port;
  const echo = await Client.open(`ws://127.0.0.1:${echoPort}`);

  // The floor of an audited call: parse the JSON-RPC frame, append one ~300-byte line with a
  // synchronous write (as the audit log does), answer with a serialized JSON-RPC error — the
  // very error the sidecar gives this denial (same size to serialize and frame).
  const floorFd = openSync(join(root, 'floor.jsonl'), 'a');
  const floorLine = Buffer.from(`${JSON.stringify({ pad: 'x'.repeat(290) })}\n`);
  const deniedError = (await agent.call('tool.call', denied)).error as unknown;
  const floorServer = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  floorServer.on('connection', (ws) =>
    ws.on('message', (data) => {
      const req = JSON.parse(String(data)) as { id: number };
      writeSync(floorFd, floorLine);
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, error: deniedError }));
    }),
  );
  await new Promise<void>((ok) => floorServer.once('listening', () => ok()));
  const floor = await Client.open(`ws://127.0.0.1:${(floorServer.address() as { port: number }).port}`);

  const results: BenchResult[] = [];
  try {
    results.push(await benchAsync('ws.echo', () => echo.call('tool.call', denied), { samples: 5_000, warmup: 500 }));
    results.push(await benchAsync('ws.rpc_floor', () => floor.call('tool.call', denied), { samples: 5_000, warmup: 500 }));
    results.push(
      await benchAsync('ws.denied_call', async () => {
        const r = await agent.call('tool.call', denied);
        if (r.error?.data?.reason !== 'path_not_permitted') throw new Error('expected a denial');
      }, { samples: 5_000, warmup: 500 }),
    );
    results.push(
      await benchAsync('ws.read_file_1k', async () => {
        const r = await agent.call('tool.call', read);
        if (r.result?.bytes !== 1024) throw new Error('expected 1 KiB');
      }, { samples: 5_000, warmup: 500 }),
    );
    results.push(await benchAsync('fs.read_file_1k', () => readFile(join(workspace, 'one_k.txt'), 'utf8'), { samples: 5_000, warmup: 500 }));
    const agents = await Promise.all(Array.from({ length: 8 }, () => Client.open(sidecar.url, auth)));
    let next = 0;
    results.push(
      await benchThroughput('ws.calls_per_s_8_agents', () => (agents[next++ % agents.length] as Client).call('tool.call', read), { total: 20_000, concurrency: 8 }),
    );
    for (const a of agents) a.ws.terminate();
  } finally {
    echo.ws.terminate();
    floor.ws.terminate();
    agent.ws.terminate();
    echoServer.close();
    floorServer.close();
    closeSync(floorFd);
    await stack.close();
  }
  return results;
}
