/**
 * A small real stack for the hardening attacks: a coordinator on 127.0.0.1:0 with a contract
 * given as YAML text (loaded from `contractPath`, possibly through a symlink the test made),
 * a sidecar on a temp workspace, raw ws and HTTP clients.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../../proxy/sidecar/index.js';
import { AGENT_KEY, JWT_SECRET, RawAgent, readAudit, silent } from '../sidecar/stack.js';

/** One working phase with every file and command tool, and a terminal DONE. */
export const WORK_CONTRACT = `version: 1
workflows:
  default:
    phases:
      WORK:
        tools: { allowed: [read_file, write_file, edit_file, delete_file, list_files, run_command] }
      NEXT:
        tools: { allowed: [read_file, list_files] }
      DONE:
        tools: { allowed: [read_file] }
    transitions:
      - { from: WORK, to: NEXT }
      - { from: NEXT, to: DONE }
`;

export interface MiniStack {
  readonly root: string;
  readonly workspace: string;
  readonly coordinator: RunningCoordinator;
  readonly sidecar: Sidecar;
  readonly auditDir: string;
  connect(): Promise<RawAgent>;
  /** Creates a task and claims it over ws; returns the agent and its token. */
  claim(): Promise<{ agent: RawAgent; token: string; taskId: string }>;
  /** POST /api/v1/tools/execute with the agent key. */
  execute(token: string, tool: string, args: unknown): Promise<{ status: number; body: any }>;
  audit(): ReturnType<typeof readAudit>;
  close(): Promise<void>;
}

export interface MiniOptions {
  contractText?: string;
  /** Where the contract file is written, relative to the temp root (default `contract.yaml`). */
  contractAt?: string;
  /** Prepares the tree (symlinks…) and returns the path the coordinator is told to load. */
  contractPathFor?: (root: string, written: string) => Promise<string>;
  sidecar?: Partial<SidecarOptions>;
  /** Runs after the workspace and contract exist, before the sidecar starts; may add sidecar options. */
  prepare?: (root: string, workspace: string) => Promise<Partial<SidecarOptions> | void>;
}

export async function startMini(opts: MiniOptions = {}): Promise<MiniStack> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-harden-')));
  const workspace = join(root, 'ws');
  await mkdir(workspace);
  await writeFile(join(workspace, 'README.md'), '# hardening\n');
  const written = join(root, opts.contractAt ?? 'contract.yaml');
  await mkdir(dirname(written), { recursive: true });
  await writeFile(written, opts.contractText ?? WORK_CONTRACT);
  const contractFile = opts.contractPathFor === undefined ? written : await opts.contractPathFor(root, written);
  const env = { PHASEGATE_JWT_SECRET: JWT_SECRET };
  const coordinator = await startCoordinator({ dataDir: join(root, 'data'), port: 0, contractFile, env, logger: silent });
  const auditDir = join(root, 'audit');
  const extra = (await opts.prepare?.(root, workspace)) ?? {};
  const sidecar = await startSidecar({
    coordinatorUrl: coordinator.url,
    agentId: 'agent-1',
    workspace,
    auditDir,
    agentKey: AGENT_KEY,
    sidecarKey: coordinator.sidecarKey,
    env,
    logger: silent,
    ...opts.sidecar,
    ...extra,
  });
  const agents: RawAgent[] = [];
  const stack: MiniStack = {
    root,
    workspace,
    coordinator,
    sidecar,
    auditDir,
    async connect() {
      const a = await RawAgent.connect(sidecar.url, AGENT_KEY);
      agents.push(a);
      return a;
    },
    async claim() {
      const res = await fetch(`${coordinator.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${coordinator.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'harden' }),
      });
      if (res.status !== 201) throw new Error(`task create: ${res.status}`);
      const agent = await stack.connect();
      const claim = await agent.ok('task.claim', {});
      return { agent, token: claim.token as string, taskId: claim.task.id as string };
    },
    async execute(token, tool, args) {
      const res = await fetch(`${sidecar.httpUrl}/api/v1/tools/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ phase_token: token, tool_name: tool, args }),
      });
      return { status: res.status, body: await res.json() };
    },
    audit: () => readAudit(auditDir),
    async close() {
      for (const a of agents) a.close();
      await sidecar.close();
      await coordinator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return stack;
}
