/**
 * MCP round trips: a real MCP client (the SDK's Client over stdio) → `phasegate mcp` (a
 * child process) → sidecar over WebSocket, and back. Baselines in the same run, against the
 * same sidecar: `sdk.*`, the SDK over WebSocket from this process (the floor, like
 * `ws.denied_call`), and `agent_ws.*`, the SDK over WebSocket from its own process — what an
 * SDK agent does, and what the bridge itself does per call. `mcp.* − agent_ws.*` is what MCP
 * adds for an agent; `mcp.* − sdk.*` adds the process hop too.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { packageRoot } from '../core/contract/index.js';
import { createMcpBridge } from '../proxy/mcp/index.js';
import { AgentClient, PolicyDeniedError } from '../sdk/index.js';
import { AGENT_KEY, startBenchStack } from './stack.js';
import { benchAsync, type BenchResult } from './harness.js';


export async function benches(): Promise<BenchResult[]> {
  const stack = await startBenchStack('mcp');
  const { logger, sidecar } = stack;
  const claim = await sidecar.claim();
  const sdk = await AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY, token: claim.token });
  const mcp = new Client({ name: 'bench', version: '1.0.0' });
  await mcp.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(packageRoot(), 'dist/proxy/cli/main.js'), 'mcp'],
      env: { PATH: process.env.PATH ?? '', PHASEGATE_URL: sidecar.url, PHASEGATE_AGENT_KEY: AGENT_KEY, PHASEGATE_PHASE_TOKEN: claim.token, PHASEGATE_LOG_LEVEL: 'silent' },
      stderr: 'ignore',
    }),
  );
  // The same bridge in this process over the SDK's in-memory transport: the MCP layer's own
  // cost (SDK framing and validation, the bridge's work) without the process hop.
  const inproc = new Client({ name: 'bench-inproc', version: '1.0.0' });
  const inprocSdk = await AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY, token: claim.token });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpBridge({ client: inprocSdk, agentKey: AGENT_KEY, logger, version: 'bench' }).connect(serverSide);
  await inproc.connect(clientSide);
  const denied = { path: 'src/app.ts', content: 'x' };
  const opts = { samples: 3_000, warmup: 300 };
  const results: BenchResult[] = [];
  try {
    // The bridge is a fresh process: let its JIT settle on both paths before any timing (the
    // first MCP bench otherwise pays for it, ~150 µs at the median).
    for (let i = 0; i < 3_000; i++) {
      await mcp.callTool({ name: 'write_file', arguments: denied });
      await mcp.callTool({ name: 'read_file', arguments: { path: 'one_k.txt' } });
    }
    results.push(
      await benchAsync('sdk.denied_call', async () => {
        try {
          await sdk.writeFile(denied.path, denied.content);
        } catch (err) {
          if (err instanceof PolicyDeniedError) return;
          throw err;
        }
        throw new Error('expected a denial');
      }, opts),
    );
    results.push(
      await benchAsync('mcp.denied_call', async () => {
        const r = await mcp.callTool({ name: 'write_file', arguments: denied });
        if (r.isError !== true) throw new Error('expected a refusal');
      }, opts),
    );
    results.push(
      await benchAsync('mcp_inproc.denied_call', async () => {
        const r = await inproc.callTool({ name: 'write_file', arguments: denied });
        if (r.isError !== true) throw new Error('expected a refusal');
      }, opts),
    );
    results.push(
      await benchAsync('sdk.read_file_1k', async () => {
        if ((await sdk.readFile('one_k.txt')).bytes !== 1024) throw new Error('expected 1 KiB');
      }, opts),
    );
    results.push(
      await benchAsync('mcp.read_file_1k', async () => {
        const r = await mcp.callTool({ name: 'read_file', arguments: { path: 'one_k.txt' } });
        if (r.isError === true) throw new Error('expected the file');
      }, opts),
    );
    results.push(
      await benchAsync('mcp_inproc.read_file_1k', async () => {
        const r = await inproc.callTool({ name: 'read_file', arguments: { path: 'one_k.txt' } });
        if (r.isError === true) throw new Error('expected the file');
      }, opts),
    );
    results.push(...(await agentProcessBaseline({ BENCH_URL: sidecar.url, BENCH_KEY: AGENT_KEY, BENCH_TOKEN: claim.token })));
  } finally {
    await mcp.close();
    await inproc.close();
    inprocSdk.close();
    sdk.close();
    await stack.close();
  }
  return results;
}

/** Runs agent-ws-process.js as its own process and reads its results. */
function agentProcessBaseline(env: Record<string, string>): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(packageRoot(), 'dist/bench/agent-ws-process.js')], { env: { ...process.env, ...env } }, (err, stdout) => {
      if (err !== null) return reject(err);
      resolve(stdout.trim().split('\n').map((l) => JSON.parse(l) as BenchResult));
    });
  });
}
