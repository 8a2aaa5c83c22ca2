/** A real coordinator and a real sidecar on 127.0.0.1:0 for the SDK tests, in a temp dir. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { createLogger } from '../../core/log.js';
import { startSidecar, type Sidecar } from '../../proxy/sidecar/index.js';

export const CONTRACT = resolve(import.meta.dirname, 'fixtures/approval-contract.yaml');
export const AGENT_KEY = 'sdk-tests-agent-key-0123456789abcdef';
const JWT_SECRET = 'sdk-tests-hs256-secret-0123456789abcdefghij';
const silent = createLogger('sdk-test', 'silent');

export interface SdkStack {
  readonly coordinator: RunningCoordinator;
  sidecar: Sidecar;
  readonly workspace: string;
  /** Creates a task over the admin API and returns its id. */
  addTask(title?: string): Promise<string>;
  /** Calls an admin route with the admin key. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Stops the sidecar and starts a new one for the same agent on the same port. */
  restartSidecar(): Promise<void>;
  close(): Promise<void>;
}

export async function startSdkStack(opts: { coordinatorEnv?: NodeJS.ProcessEnv; contractFile?: string } = {}): Promise<SdkStack> {
  const root = await mkdtemp(join(tmpdir(), 'phasegate-sdk-'));
  const workspace = join(root, 'ws');
  await mkdir(join(workspace, 'notes'), { recursive: true });
  await writeFile(join(workspace, 'README.md'), '# sdk test workspace\n');
  const env = { PHASEGATE_JWT_SECRET: JWT_SECRET };
  const coordinator = await startCoordinator({
    dataDir: join(root, 'data'),
    port: 0,
    contractFile: opts.contractFile ?? CONTRACT,
    env: { ...env, ...opts.coordinatorEnv },
    logger: silent,
  });
  const launch = (port?: number) =>
    startSidecar({
      coordinatorUrl: coordinator.url,
      agentId: 'sdk-agent',
      workspace,
      auditDir: join(root, 'audit'),
      agentKey: AGENT_KEY,
      sidecarKey: coordinator.sidecarKey,
      env,
      logger: silent,
      ...(port !== undefined && { port }),
    });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(coordinator.url + path, {
      method,
      headers: { authorization: `Bearer ${coordinator.adminKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const stack: SdkStack = {
    coordinator,
    sidecar: await launch(),
    workspace,
    admin,
    async addTask(title = 'sdk task') {
      const r = await admin('POST', '/api/v1/tasks', { title, acceptance_criteria: ['it works'] });
      if (r.status !== 201) throw new Error(`task create failed: ${JSON.stringify(r.body)}`);
      return r.body.task.id as string;
    },
    async restartSidecar() {
      const port = Number(new URL(stack.sidecar.httpUrl).port);
      await stack.sidecar.close();
      stack.sidecar = await launch(port);
    },
    async close() {
      await stack.sidecar.close();
      await coordinator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
