/** Test stack: a real coordinator and a real sidecar on 127.0.0.1:0, temp dirs, a raw `ws` agent client. */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { createLogger } from '../../core/log.js';
import type { AuditRecord } from '../../proxy/audit/index.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../../proxy/sidecar/index.js';

export const REPO_CONTRACT = resolve(import.meta.dirname, '../../agent_workflow.yaml');
export const JWT_SECRET = 'sidecar-tests-hs256-secret-0123456789abcdef';
export const AGENT_KEY = 'agent-key-for-tests-0123456789';
export const silent = createLogger('sidecar-test', 'silent');

export const PLAN = { summary: 'fix add', acceptance_criteria: ['add(2, 3) is 5'], steps: ['test', 'fix'] };
export const TESTS = { test_files: [{ path: 'tests/run.js', covers: ['add(2, 3) is 5'] }] };

/** A tiny project: `npm test` runs tests/run.js, which fails until src/app.js is fixed. */
export async function makeWorkspace(root: string): Promise<void> {
  await mkdir(join(root, 'src'), { recursive: true });
  await mkdir(join(root, 'tests'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true, scripts: { test: 'node tests/run.js' } }, null, 2));
  await writeFile(join(root, 'src/app.js'), 'module.exports = { add: (a, b) => a - b };\n');
  await writeFile(
    join(root, 'tests/run.js'),
    "const { add } = require('../src/app.js');\nconst ok = add(2, 3) === 5;\nconsole.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');\nprocess.exit(ok ? 0 : 1);\n",
  );
  await writeFile(join(root, 'README.md'), '# fixture\n');
}

export interface Stack {
  coordinator: RunningCoordinator;
  sidecar: Sidecar;
  workspace: string;
  outside: string;
  auditDir: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  addTask(title?: string): Promise<string>;
  /** A second task claimed directly at the coordinator by `agent-2`: its token is another task's. */
  foreignToken(): Promise<string>;
  connect(key?: string): Promise<RawAgent>;
  audit(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export function coordinatorOptions(dataDir: string, env: NodeJS.ProcessEnv, port = 0, contractFile = REPO_CONTRACT) {
  return { dataDir, port, contractFile, env, logger: silent };
}

export async function startStack(opts: { eddsa?: boolean; agentId?: string; sidecar?: Partial<SidecarOptions>; coordinatorEnv?: NodeJS.ProcessEnv; contractFile?: string } = {}): Promise<Stack> {
  const root = await mkdtemp(join(tmpdir(), 'phasegate-sidecar-'));
  const workspace = join(root, 'ws');
  const outside = join(root, 'outside');
  const dataDir = join(root, 'data');
  await mkdir(workspace);
  await mkdir(outside);
  await makeWorkspace(workspace);
  await writeFile(join(outside, 'secret.txt'), 'TOP SECRET\n');
  await symlink(join(outside, 'secret.txt'), join(workspace, 'link-out'));
  const env: NodeJS.ProcessEnv = opts.eddsa === true ? {} : { PHASEGATE_JWT_SECRET: JWT_SECRET };
  const coordinator = await startCoordinator(coordinatorOptions(dataDir, { ...env, ...opts.coordinatorEnv }, 0, opts.contractFile));
  const auditDir = join(root, 'audit');
  const sidecar = await startSidecar({
    coordinatorUrl: coordinator.url,
    agentId: opts.agentId ?? 'agent-1',
    workspace,
    auditDir,
    agentKey: AGENT_KEY,
    sidecarKey: coordinator.sidecarKey,
    env,
    logger: silent,
    ...opts.sidecar,
  });
  const sockets: RawAgent[] = [];
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(coordinator.url + path, {
      method,
      headers: { authorization: `Bearer ${coordinator.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  let closed = false;
  const stack: Stack = {
    coordinator,
    sidecar,
    workspace,
    outside,
    auditDir,
    dataDir,
    env,
    admin,
    async addTask(title = 'fix add') {
      const r = await admin('POST', '/api/v1/tasks', { title, acceptance_criteria: ['add(2, 3) is 5'] });
      if (r.status !== 201) throw new Error(`task create failed: ${JSON.stringify(r.body)}`);
      return r.body.task.id as string;
    },
    async foreignToken() {
      await stack.addTask('second');
      const res = await fetch(`${coordinator.url}/api/v1/tasks/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${coordinator.sidecarKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agent_id: 'agent-2' }),
      });
      return ((await res.json()) as { phase_token: string }).phase_token;
    },
    async connect(key = AGENT_KEY) {
      const agent = await RawAgent.connect(sidecar.url, key);
      sockets.push(agent);
      return agent;
    },
    audit: () => readAudit(auditDir),
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sockets) s.close();
      await sidecar.close();
      // The fault test swaps in a restarted coordinator.
      await stack.coordinator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return stack;
}

export async function readAudit(dir: string): Promise<AuditRecord[]> {
  const text = await readFile(join(dir, 'tool_audit.jsonl'), 'utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditRecord);
}

export interface RpcReply {
  id: number | string | null;
  result?: any;
  error?: { code: number; message: string; data: { reason: string; [k: string]: unknown } };
}

/** A raw JSON-RPC client: no SDK, so the tests see exactly what travels on the wire. */
export class RawAgent {
  readonly notifications: { method: string; params: any }[] = [];
  private readonly pending = new Map<number, (r: RpcReply) => void>();
  private readonly waiters: (() => void)[] = [];
  private nextId = 1;
  /** Replies with id null (parse errors and the like), in arrival order. */
  readonly orphans: RpcReply[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as RpcReply & { method?: string; params?: unknown };
      if (msg.method !== undefined) {
        this.notifications.push({ method: msg.method, params: msg.params });
        for (const w of this.waiters.splice(0)) w();
        return;
      }
      const resolve = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
      if (resolve !== undefined) {
        this.pending.delete(msg.id as number);
        resolve(msg);
      } else {
        this.orphans.push(msg);
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  static connect(url: string, key: string): Promise<RawAgent> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}` } });
      ws.once('open', () => resolve(new RawAgent(ws)));
      ws.once('error', reject);
    });
  }

  call(method: string, params?: unknown): Promise<RpcReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** Calls and expects a result; throws with the error otherwise. */
  async ok(method: string, params?: unknown): Promise<any> {
    const r = await this.call(method, params);
    if (r.error !== undefined) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
    return r.result;
  }

  async waitFor(pred: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Claims, writes the plan and moves PLAN → TDD; runs the failing tests and moves TDD → IMPL. Returns the IMPL token. */
export async function walkToImpl(agent: RawAgent): Promise<{ taskId: string; token: string; tddToken: string }> {
  const claim = await agent.ok('task.claim', {});
  const plan = await agent.ok('tool.call', { token: claim.token, tool: 'write_file', args: { path: 'docs/plans/plan.md', content: '# plan\n' } });
  if (plan.bytes !== 7) throw new Error('plan not written');
  const tdd = await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } });
  if (tdd.allowed !== true) throw new Error(`PLAN → TDD blocked: ${JSON.stringify(tdd)}`);
  const run = await agent.ok('tool.call', { token: tdd.token, tool: 'run_tests', args: {} });
  if (run.exit_code === 0) throw new Error('fixture tests should fail first');
  const impl = await agent.ok('task.transition', { token: tdd.token, target_phase: 'IMPL', artifacts: { tests: TESTS } });
  if (impl.allowed !== true) throw new Error(`TDD → IMPL blocked: ${JSON.stringify(impl)}`);
  return { taskId: claim.task.id, token: impl.token, tddToken: tdd.token };
}
