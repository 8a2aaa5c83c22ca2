/**
 * Child process of mcp.bench.ts: an agent in its own process talking to the sidecar with the
 * SDK over WebSocket — the path `phasegate mcp` itself takes for each call, and the path an
 * SDK agent takes. Prints one BenchResult per line on stdout.
 */
import { AgentClient, PolicyDeniedError } from '../sdk/index.js';
import { benchAsync } from './harness.js';

const env = process.env;
const client = await AgentClient.connect({ url: env.BENCH_URL ?? '', agentKey: env.BENCH_KEY ?? '', token: env.BENCH_TOKEN ?? '' });
const opts = { samples: Number(env.BENCH_SAMPLES ?? 3000), warmup: 300 };
const denied = await benchAsync('agent_ws.denied_call', async () => {
  try {
    await client.writeFile('src/app.ts', 'x');
  } catch (err) {
    if (err instanceof PolicyDeniedError) return;
    throw err;
  }
  throw new Error('expected a denial');
}, opts);
const read = await benchAsync('agent_ws.read_file_1k', async () => {
  if ((await client.readFile('one_k.txt')).bytes !== 1024) throw new Error('expected 1 KiB');
}, opts);
client.close();
process.stdout.write(JSON.stringify(denied) + '\n' + JSON.stringify(read) + '\n');
