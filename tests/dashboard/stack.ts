/** A real coordinator (and, when asked, a real sidecar) for the dashboard tests, in a temp dir. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { createLogger } from '../../core/log.js';
import { startSidecar, type Sidecar } from '../../proxy/sidecar/index.js';
import { api as caller, type Api as Call } from '../coordinator/http/helpers.js';

export const CONTRACT = resolve(import.meta.dirname, 'fixtures/dashboard-contract.yaml');
/** One gate on a green run the sidecar records. */
export const EVIDENCE_CONTRACT = resolve(import.meta.dirname, 'fixtures/evidence-contract.yaml');
export const AGENT_KEY = 'dashboard-tests-agent-key-0123456789';
const JWT_SECRET = 'dashboard-tests-hs256-secret-0123456789abcdef';
const silent = createLogger('dashboard-test', 'silent');

/** The coordinator test client; its `body` is parsed JSON or, for HTML, scripts and CSS, text. */
export { api as caller, type Api as Call } from '../coordinator/http/helpers.js';

export interface DashboardStack {
  readonly coordinator: RunningCoordinator;
  readonly root: string;
  readonly admin: Call;
  readonly sidecarApi: Call;
  /** Starts a real sidecar for `agentId` over a fresh workspace holding `files` (path → content). */
  sidecar(agentId: string, files?: Readonly<Record<string, string>>): Promise<Sidecar>;
  /** Creates a task over the admin API; returns its id. */
  addTask(title: string): Promise<string>;
  /** Claims `taskId` for `agentId` over the sidecar routes; returns the phase token. */
  claim(taskId: string, agentId: string): Promise<string>;
  /** A transition over the sidecar route; returns the coordinator's answer. */
  transition(token: string, from: string, to: string, artifacts?: Record<string, unknown>): Promise<any>;
  /** Claims `taskId` for `agentId` and moves it DRAFT → PLAN; returns the new token. */
  moveToPlan(taskId: string, agentId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDashboardStack(env: NodeJS.ProcessEnv = {}, now?: () => number, contractFile = CONTRACT): Promise<DashboardStack> {
  const root = await mkdtemp(join(tmpdir(), 'phasegate-dashboard-'));
  const coordinator = await startCoordinator({
    dataDir: join(root, 'data'),
    port: 0,
    contractFile,
    env: { PHASEGATE_JWT_SECRET: JWT_SECRET, ...env },
    logger: silent,
    ...(now === undefined ? {} : { now }),
  });
  const admin = caller(coordinator.url, coordinator.adminKey);
  const sidecarApi = caller(coordinator.url, coordinator.sidecarKey);
  const sidecars: Sidecar[] = [];
  async function claimTask(taskId: string, agentId: string): Promise<string> {
    const claim = await sidecarApi('POST', '/api/v1/tasks/claim', { agent_id: agentId, task_id: taskId });
    if (claim.status !== 200) throw new Error(`claim failed: ${JSON.stringify(claim.body)}`);
    return claim.body.phase_token as string;
  }
  async function transition(token: string, from: string, to: string, artifacts: Record<string, unknown> = {}): Promise<any> {
    const r = await sidecarApi('POST', '/api/v1/tasks/transition', {
      current_phase: from, target_phase: to, phase_token: token, artifacts, evidence: { test_runs: [], test_hashes: {} },
    });
    return r.body;
  }
  return {
    coordinator,
    root,
    admin,
    sidecarApi,
    async sidecar(agentId, files = {}) {
      const workspace = join(root, `ws-${agentId}`);
      await mkdir(workspace, { recursive: true });
      await writeFile(join(workspace, 'README.md'), '# dashboard test workspace\n');
      for (const [path, content] of Object.entries(files)) await writeFile(join(workspace, path), content);
      const s = await startSidecar({
        coordinatorUrl: coordinator.url,
        agentId,
        workspace,
        auditDir: join(root, `audit-${agentId}`),
        agentKey: AGENT_KEY,
        sidecarKey: coordinator.sidecarKey,
        env: { PHASEGATE_JWT_SECRET: JWT_SECRET },
        logger: silent,
      });
      sidecars.push(s);
      return s;
    },
    async addTask(title) {
      const r = await admin('POST', '/api/v1/tasks', { title, acceptance_criteria: ['it shows'] });
      if (r.status !== 201) throw new Error(`task create failed: ${JSON.stringify(r.body)}`);
      return r.body.task.id as string;
    },
    claim: (taskId, agentId) => claimTask(taskId, agentId),
    transition,
    async moveToPlan(taskId, agentId) {
      const moved = await transition(await claimTask(taskId, agentId), 'DRAFT', 'PLAN');
      if (moved.allowed !== true) throw new Error(`transition refused: ${JSON.stringify(moved)}`);
      return moved.new_token as string;
    },
    async close() {
      for (const s of sidecars) await s.close();
      await coordinator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
