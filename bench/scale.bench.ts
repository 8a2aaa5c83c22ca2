/**
 * The coordinator at scale: the same HTTP measurements (claim, transition, status, a page of
 * `GET /events?since=`, `/metrics`) against a coordinator holding 100 tasks and one holding
 * 100,000 tasks over an event log of 1,000,000 events; then 1,000 sidecar event streams held
 * open on the large one, with its resident memory and the fan-out time of one event.
 *
 * Each coordinator runs as its own process (`phasegate coordinator`), so the memory reported
 * is the coordinator's alone; both run at once, and each operation is timed on the two in
 * alternating blocks (PLAN). The large store is loaded through the real engine (tasks, their
 * indexes and counters) after the event log was filled directly with well-formed events.
 * `--scale-tasks N` shrinks the large side for a quick look (default 100,000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { parseContract } from '../core/contract/index.js';
import { openCoordinatorService } from '../core/coordinator/index.js';
import { openStore } from '../core/coordinator/store.js';
import type { CoordEvent } from '../core/coordinator/types.js';
import { createLogger } from '../core/log.js';
import { createIssuer, createVerifier } from '../core/tokens/index.js';
import { CYCLE } from './cycle-contract.js';
import { benchAsync, benchPaired, type BenchResult } from './harness.js';

const SECRET = 'scale-bench-hs256-secret-0123456789abcdef';
const ADMIN_KEY = 'scale-bench-admin-key-0123456789abcdef';
const SIDECAR_KEY = 'scale-bench-sidecar-key-0123456789abcdef';
const CLI = resolve(import.meta.dirname, '../proxy/cli/main.js');
const EVENTS = 1_000_000;
const STREAMS = 1_000;
const RING = 50;

function largeTasks(): number {
  const at = process.argv.indexOf('--scale-tasks');
  const n = at >= 0 ? Number(process.argv[at + 1]) : 100_000;
  if (!Number.isSafeInteger(n) || n < 200) throw new Error('--scale-tasks must be an integer ≥ 200');
  return n;
}

/** Fills the event log with `count` well-formed events (seq 1..count), as a long-running coordinator accumulates them. */
function fillEvents(dataDir: string, count: number): void {
  const store = openStore(dataDir);
  const ts = new Date().toISOString();
  const CHUNK = 50_000;
  for (let from = 1; from <= count; from += CHUNK) {
    store.root.transactionSync(() => {
      const to = Math.min(count, from + CHUNK - 1);
      for (let seq = from; seq <= to; seq++) {
        const event: CoordEvent = {
          seq,
          ts,
          type: 'phase_transition_applied',
          task_id: `T-old-${seq % 10_000}`,
          data: { from: 'A', to: 'B', epoch: 1, agent_id: `agent-${seq % 100}` },
        };
        void store.events.put(seq, event);
      }
    });
  }
  void store.root.close();
}

/** Creates `count` tasks through the engine (ids, indexes, counters, one event each), many per group commit. */
async function createTasks(dataDir: string, count: number): Promise<void> {
  const secret = new TextEncoder().encode(SECRET);
  const svc = await openCoordinatorService({
    dataDir,
    contract: parseContract(CYCLE, 'scale.yaml'),
    issuer: createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 7200 }),
    verifier: createVerifier({ alg: 'HS256', secret }),
    logger: createLogger('bench', 'silent'),
  });
  try {
    const BATCH = 2_000;
    for (let done = 0; done < count; done += BATCH) {
      const n = Math.min(BATCH, count - done);
      await Promise.all(Array.from({ length: n }, (_, i) => svc.createTask({ title: `scale task ${done + i}` })));
    }
  } finally {
    await svc.close();
  }
}

interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly url: string;
}

async function spawnCoordinator(dataDir: string, contractFile: string): Promise<Child> {
  const proc = spawn(process.execPath, [CLI, 'coordinator', '--port', '0', '--data', dataDir, '--contract', contractFile], {
    env: { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', PHASEGATE_JWT_SECRET: SECRET, PHASEGATE_ADMIN_KEY: ADMIN_KEY, PHASEGATE_SIDECAR_KEY: SIDECAR_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).once('line', (line) => ok(line.trim()));
    proc.once('exit', (code) => fail(new Error(`coordinator exited ${code}: ${stderr}`)));
  });
  return { proc, url, port: Number(new URL(url).port) };
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode !== null) return;
  const exited = new Promise((ok) => child.proc.once('exit', ok));
  child.proc.kill('SIGTERM');
  await exited;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Math.round((Number(m[1]) / 1024) * 10) / 10;
}

type Call = (method: string, path: string, key: string, body?: unknown) => Promise<any>;

function client(port: number, agent: Agent): Call {
  return (method, path, key, body) =>
    new Promise((ok, fail) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { authorization: `Bearer ${key}` };
      if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 500) >= 400) fail(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else ok(text.startsWith('{') ? JSON.parse(text) : text);
        });
      });
      req.on('error', fail);
      req.end(payload);
    });
}

interface Runner {
  readonly id: string;
  phase: string;
  token: string;
}

type Op = 'claim' | 'transition' | 'status' | 'events_since' | 'metrics';

/** One coordinator, ready to be timed: its client, its ring of claimed tasks, and the five operations. */
interface Side {
  readonly child: Child;
  readonly call: Call;
  readonly agent: Agent;
  readonly ring: Runner[];
  readonly ops: Readonly<Record<Op, () => Promise<unknown>>>;
}

/** The five operations, the same way at every size. */
async function prepare(child: Child): Promise<Side> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const call = client(child.port, agent);
  const sidecar = (m: string, p: string, b?: unknown) => call(m, p, SIDECAR_KEY, b);
  const admin = (m: string, p: string, b?: unknown) => call(m, p, ADMIN_KEY, b);
  const ring: Runner[] = [];
  for (let i = 0; i < RING; i++) {
    const res = await sidecar('POST', '/api/v1/tasks/claim', { agent_id: `ring-${i}` });
    ring.push({ id: res.task.id, phase: res.task.phase, token: res.phase_token });
  }
  let claimer = 0;
  let claimed: string | undefined;
  let turn = 0;
  const shown = (ring[0] as Runner).id;
  const head = (await admin('GET', '/api/v1/events?since=0&limit=1')).head as number;
  const since = Math.floor(head / 2);
  const ops: Record<Op, () => Promise<unknown>> = {
    // Claim, then give it back untimed: the pending queue keeps its size, so every sample sees the same store.
    claim: async () => {
      if (claimed !== undefined) await sidecar('POST', `/api/v1/tasks/${claimed}/release`, { agent_id: `claimer-${claimer - 1}` });
      const t0 = process.hrtime.bigint();
      const res = await sidecar('POST', '/api/v1/tasks/claim', { agent_id: `claimer-${claimer++}` });
      claimed = res.task.id;
      return t0;
    },
    transition: async () => {
      const t = ring[turn++ % ring.length] as Runner;
      const to = t.phase === 'A' ? 'B' : 'A';
      const res = await sidecar('POST', '/api/v1/tasks/transition', { current_phase: t.phase, target_phase: to, phase_token: t.token, artifacts: {}, evidence: { test_runs: [], test_hashes: {} } });
      if (res.allowed !== true) throw new Error(`transition refused: ${JSON.stringify(res)}`);
      t.phase = to;
      t.token = res.new_token;
    },
    status: () => admin('GET', `/api/v1/tasks/${shown}`),
    events_since: async () => {
      const page = await admin('GET', `/api/v1/events?since=${since}&limit=100`);
      if (page.events.length !== 100) throw new Error('expected a full page');
    },
    metrics: () => call('GET', '/metrics', ''),
  };
  return { child, call, agent, ring, ops };
}

/**
 * Samples per operation. The two sizes are timed in alternating blocks (`benchPaired`): both
 * coordinators run at once, so a slow spell of the host slows both sides of each ratio alike.
 * `/metrics` gets 500 warm-ups: after 50 its p99 was 20× its median and its ratio swung
 * 0.49–1.63× between runs.
 */
const PLAN: readonly (readonly [Op, { blocks: number; samplesPerBlock: number; warmup: number }])[] = [
  ['claim', { blocks: 6, samplesPerBlock: 50, warmup: 50 }],
  ['transition', { blocks: 10, samplesPerBlock: 100, warmup: 200 }],
  ['status', { blocks: 10, samplesPerBlock: 200, warmup: 500 }],
  ['events_since', { blocks: 10, samplesPerBlock: 100, warmup: 200 }],
  ['metrics', { blocks: 10, samplesPerBlock: 100, warmup: 500 }],
];

/** Opens `n` event streams at the head; resolves once all are open. */
async function openStreams(url: string, n: number, since: number, onEvent: (seq: number) => void): Promise<WebSocket[]> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/v1/events/stream?since=${since}`;
  const sockets: WebSocket[] = [];
  const BATCH = 100;
  for (let i = 0; i < n; i += BATCH) {
    const opened = await Promise.all(
      Array.from(
        { length: Math.min(BATCH, n - i) },
        () =>
          new Promise<WebSocket>((ok, fail) => {
            const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${SIDECAR_KEY}` }, perMessageDeflate: false });
            ws.on('message', (data) => onEvent((JSON.parse(String(data)) as { seq: number }).seq));
            ws.once('open', () => ok(ws));
            ws.once('error', fail);
          }),
      ),
    );
    sockets.push(...opened);
  }
  return sockets;
}

/** 1,000 streams on the large coordinator: RSS before and after, and the time until one event reached all of them. */
async function streams(child: Child, call: Call, ring: Runner[]): Promise<BenchResult[]> {
  let seq = (await call('GET', '/api/v1/events?since=0&limit=1', ADMIN_KEY)).head as number;
  const rssBefore = rssMiB(child.proc.pid as number);
  const seen = new Map<number, number>();
  let wake: (() => void) | undefined;
  const sockets = await openStreams(child.url, STREAMS, seq, (s) => {
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    if (n === STREAMS) wake?.();
  });
  try {
    let turn = 0;
    // Each transition emits exactly one event (the next seq): time from the request until all streams have it.
    const fanout = await benchAsync('scale.event_fanout.1000_streams', async () => {
      const t = ring[turn++ % ring.length] as Runner;
      const to = t.phase === 'A' ? 'B' : 'A';
      const expected = ++seq;
      const reached = new Promise<void>((done) => (wake = () => (seen.get(expected) === STREAMS ? done() : undefined)));
      const res = await call('POST', '/api/v1/tasks/transition', SIDECAR_KEY, { current_phase: t.phase, target_phase: to, phase_token: t.token, artifacts: {}, evidence: { test_runs: [], test_hashes: {} } });
      t.phase = to;
      t.token = res.new_token;
      if (seen.get(expected) !== STREAMS) await reached;
      seen.delete(expected);
    }, { samples: 100, warmup: 10 });
    return [{ ...fanout, rss_mib: rssMiB(child.proc.pid as number), rss_before_mib: rssBefore }];
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

export async function benches(): Promise<BenchResult[]> {
  const root = await mkdtemp(join(tmpdir(), 'phasegate-bench-scale-'));
  const contractFile = join(root, 'cycle.yaml');
  await writeFile(contractFile, CYCLE);
  const results: BenchResult[] = [];
  const children: Child[] = [];
  try {
    for (const [label, tasks, events] of [
      ['100_tasks', 100 + RING, 0],
      ['100k_tasks', largeTasks(), EVENTS],
    ] as const) {
      const dataDir = join(root, label);
      const t0 = Date.now();
      if (events > tasks) fillEvents(dataDir, events - tasks);
      await createTasks(dataDir, tasks);
      process.stderr.write(`bench: scale: ${tasks} tasks, ${Math.max(events, tasks)} events loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      children.push(await spawnCoordinator(dataDir, contractFile));
    }
    const [small, large] = [await prepare(children[0] as Child), await prepare(children[1] as Child)];
    try {
      for (const [op, opts] of PLAN) {
        const pair = await benchPaired({ name: `scale.${op}.100_tasks`, fn: small.ops[op] }, { name: `scale.${op}.100k_tasks`, fn: large.ops[op] }, opts);
        if (op === 'metrics') results.push(...pair.map((r, i) => ({ ...r, rss_mib: rssMiB((i === 0 ? small : large).child.proc.pid as number) })));
        else results.push(...pair);
      }
      results.push(...(await streams(large.child, large.call, large.ring)));
    } finally {
      small.agent.destroy();
      large.agent.destroy();
    }
  } finally {
    for (const child of children) await stopChild(child);
    await rm(root, { recursive: true, force: true });
  }
  return results;
}
