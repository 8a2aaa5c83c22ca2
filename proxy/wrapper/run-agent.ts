import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract } from '../../core/contract/index.js';
import type { Logger } from '../../core/log.js';
import { startSidecar } from '../sidecar/index.js';
import { agentEnvironment } from './agent-env.js';
import { startEmbeddedCoordinator } from './embedded-coordinator.js';
import { renderPrompt } from './prompt.js';

export interface RunAgentOptions {
  readonly command: readonly string[];
  readonly workspace: string;
  readonly contractFile: string;
  readonly agentId?: string;
  /** An external coordinator; without one an embedded coordinator runs for this run only. */
  readonly coordinator?: { url: string; sidecarKey: string; jwtSecret?: string };
  readonly taskId?: string;
  readonly capabilities?: readonly string[];
  /** Embedded mode: a task to create before claiming. */
  readonly newTask?: { title: string; description?: string; criteria?: readonly string[] };
  readonly env?: NodeJS.ProcessEnv;
  /** The sidecar's audit log directory (default WORKSPACE/.phasegate/audit). One sidecar per directory. */
  readonly auditDir?: string;
  readonly logger: Logger;
  /** One readable line per phase change or denial. */
  readonly report: (line: string) => void;
}

/**
 * `phasegate run`: a sidecar (and, without a coordinator, an embedded one), a claim, the
 * prompt file, then CMD with the §6 environment. Resolves to CMD's exit code after
 * everything it started is stopped.
 */
export async function runAgent(opts: RunAgentOptions): Promise<number> {
  const baseEnv = opts.env ?? process.env;
  const agentId = opts.agentId ?? `agent-${randomUUID().slice(0, 8)}`;
  const contract = await loadContract(opts.contractFile);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let url: string;
    let sidecarKey: string;
    let jwtSecret: string | undefined;
    if (opts.coordinator === undefined) {
      const embedded = await startEmbeddedCoordinator(opts.workspace, opts.contractFile, opts.logger);
      stops.push(() => embedded.coordinator.close());
      ({ url, sidecarKey } = embedded.coordinator);
      jwtSecret = embedded.jwtSecret;
      if (opts.newTask !== undefined) {
        await embedded.coordinator.service.createTask({
          title: opts.newTask.title,
          ...(opts.newTask.description !== undefined && { description: opts.newTask.description }),
          acceptance_criteria: opts.newTask.criteria ?? [],
        });
      }
    } else {
      ({ url, sidecarKey, jwtSecret } = opts.coordinator);
    }
    const agentKey = randomBytes(32).toString('base64url');
    const sidecar = await startSidecar({
      coordinatorUrl: url,
      agentId,
      workspace: opts.workspace,
      agentKey,
      sidecarKey,
      // The sidecar's environment is also the base of the commands it runs (scrubbed of keys
      // there): without PATH, `npm test` could not even start.
      env: { ...baseEnv, ...(jwtSecret !== undefined && { PHASEGATE_JWT_SECRET: jwtSecret }) },
      ...(opts.auditDir !== undefined && { auditDir: opts.auditDir }),
      // The operator's grant (--capability): the sidecar claims with it, whatever the agent asks for.
      ...(opts.capabilities !== undefined && { capabilities: [...opts.capabilities] }),
      logger: opts.logger,
    });
    stops.push(() => sidecar.close());
    sidecar.onNotification((method, params) => opts.report(`${method} ${JSON.stringify(params, redactToken)}`));

    const claim = await sidecar.claim({ ...(opts.taskId !== undefined && { task_id: opts.taskId }) });
    opts.report(`claimed ${claim.task.id} "${claim.task.title}" in ${claim.phase} as ${agentId}`);

    const promptDir = await mkdtemp(join(tmpdir(), 'phasegate-run-'));
    stops.push(() => rm(promptDir, { recursive: true, force: true }));
    const promptFile = join(promptDir, 'prompt.md');
    await writeFile(promptFile, renderPrompt({ contract, task: claim.task, phase: claim.phase, agentId, token: claim.token }), { mode: 0o600 });
    await chmod(promptDir, 0o700);

    const env = agentEnvironment(baseEnv, {
      PHASEGATE_URL: sidecar.url,
      PHASEGATE_HTTP_URL: sidecar.httpUrl,
      PHASEGATE_AGENT_KEY: agentKey,
      PHASEGATE_AGENT_ID: agentId,
      PHASEGATE_TASK_ID: claim.task.id,
      PHASEGATE_PHASE_TOKEN: claim.token,
      PHASEGATE_PROMPT_FILE: promptFile,
    });
    return await runChild(opts.command, env, opts.workspace);
  } finally {
    await stopAll();
  }
}

function redactToken(key: string, value: unknown): unknown {
  return key === 'token' && typeof value === 'string' ? '…' : value;
}

/**
 * Runs CMD in its own process group so that teardown reaches its children too; Ctrl-C and
 * SIGTERM are forwarded to the group, and the group is killed when CMD exits (no orphans).
 */
function runChild(command: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.reject(new TypeError('run: no command after --'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: 'inherit', detached: true });
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const onSignal = (signal: NodeJS.Signals) => {
      signalGroup(signal);
      setTimeout(() => signalGroup('SIGKILL'), 5_000).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const done = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      signalGroup('SIGKILL');
    };
    child.once('error', (err) => {
      done();
      reject(new Error(`cannot start ${file}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
