import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { loadContract, packageRoot } from '../../core/contract/index.js';
import type { Logger } from '../../core/log.js';
import { terminalText } from '../cli/terminal-text.js';
import { createCommandSandbox, prepareAgentSandbox, sandboxModeFrom, type AgentSandbox } from '../sandbox/index.js';
import { startSidecar, type Sidecar } from '../sidecar/index.js';
import { agentEnvironment } from './agent-env.js';
import { startApprovalDesk } from './approval-desk.js';
import { startEmbeddedCoordinator } from './embedded-coordinator.js';
import { agentPreset, mcpEnvironment, phasegateCommand, type AgentName } from './presets/index.js';
import { openStateDir, resolveWorkspace } from './state-dir.js';
import { renderPrompt } from './prompt.js';
import { startReviewers } from './reviewers.js';
import { sandboxStatus } from './sandbox-status.js';

export interface RunAgentOptions {
  readonly command: readonly string[];
  /** A real coding agent wired through MCP (SPEC §12): its preset's flags go before CMD's own arguments. */
  readonly agent?: AgentName;
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
  /** The sidecar's audit log directory (default: `audit/` in the workspace's state dir). One sidecar per directory. */
  readonly auditDir?: string;
  readonly logger: Logger;
  /** One readable line per phase change or denial. */
  readonly report: (line: string) => void;
  /**
   * Embedded mode: the command that runs each review task spawned for this run's task (SPEC
   * §13), behind its own sidecar under the agent id `<agent-id>-reviewer-N`.
   */
  readonly reviewer?: readonly string[];
  /**
   * Embedded mode: how pending approvals reach the operator. `prompt` shows them on the
   * terminal with approve / reject; `print` (no terminal) says how to decide from another
   * shell. Default `print`.
   */
  readonly approvals?: 'prompt' | 'print';
  /** Ends the run early: CMD's process group is killed (used for reviewers when the author's run ends). */
  readonly signal?: AbortSignal;
  /** SPEC §11: 'on' (default; PHASEGATE_SANDBOX) confines commands and the agent; 'off' is warned and audited. */
  readonly sandbox?: 'on' | 'off';
  /** The agent sandbox: paths under $HOME the agent may write (its config), more host paths to hide. */
  readonly agentSandbox?: { readonly writable?: readonly string[]; readonly hidden?: readonly string[]; readonly launcher?: string };
}

/** No sandbox, no run: the one line names the fix. */
async function checkSandbox(opts: RunAgentOptions, env: NodeJS.ProcessEnv): Promise<'on' | 'off'> {
  const mode = sandboxModeFrom(opts.sandbox, env);
  if (mode === 'off') {
    opts.report('warning: sandbox off — commands and the agent run unconfined on this host (recorded in the audit log)');
    return mode;
  }
  const launcher = opts.agentSandbox?.launcher;
  const ok = await createCommandSandbox({ logger: opts.logger, ...(launcher === undefined ? {} : { launcher }) }).available();
  if (ok !== true) {
    throw new Error(`no sandbox can be made on this host (${ok}); allow unprivileged user namespaces (docs/security.md) or pass --sandbox off`);
  }
  return mode;
}

/**
 * `phasegate run`: a sidecar (and, without a coordinator, an embedded one), a claim, the
 * prompt file, then CMD with the §6 environment. Resolves to CMD's exit code after
 * everything it started is stopped.
 */
export async function runAgent(opts: RunAgentOptions): Promise<number> {
  const baseEnv = opts.env ?? process.env;
  const agentId = opts.agentId ?? `agent-${randomUUID().slice(0, 8)}`;
  // A bad workspace is refused before anything (state dir, store, keys) is created.
  const workspace = await resolveWorkspace(opts.workspace);
  const contract = await loadContract(opts.contractFile);
  const sandbox = await checkSandbox(opts, baseEnv);
  // Only what this run owns goes there: an external coordinator with --audit needs none.
  const state = opts.coordinator === undefined || opts.auditDir === undefined ? await openStateDir(workspace, baseEnv) : undefined;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  let sidecar: Sidecar | undefined;
  try {
    let url: string;
    let sidecarKey: string;
    let jwtSecret: string | undefined;
    let embedded: Awaited<ReturnType<typeof startEmbeddedCoordinator>> | undefined;
    if (opts.coordinator === undefined) {
      embedded = await startEmbeddedCoordinator(state!, opts.contractFile, opts.logger);
      const started = embedded.coordinator;
      stops.push(() => started.close());
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
    sidecar = await startSidecar({
      coordinatorUrl: url,
      agentId,
      workspace,
      contractFile: opts.contractFile,
      agentKey,
      sidecarKey,
      // The sidecar's environment is also the base of the commands it runs (scrubbed of keys
      // there): without PATH, `npm test` could not even start.
      env: { ...baseEnv, ...(jwtSecret !== undefined && { PHASEGATE_JWT_SECRET: jwtSecret }) },
      auditDir: opts.auditDir ?? state!.auditDir,
      sandbox,
      ...(opts.agentSandbox?.launcher !== undefined && { sandboxOptions: { launcher: opts.agentSandbox.launcher } }),
      // The operator's grant (--capability): the sidecar claims with it, whatever the agent asks for.
      ...(opts.capabilities !== undefined && { capabilities: [...opts.capabilities] }),
      logger: opts.logger,
    });
    const ours = sidecar;
    stops.push(() => ours.close());
    // Notifications carry agent-influenced text (a rejection's reason…): escaped for the terminal.
    sidecar.onNotification((method, params) => opts.report(terminalText(`${method} ${JSON.stringify(params, redactToken)}`)));

    const claim = await sidecar.claim({ ...(opts.taskId !== undefined && { task_id: opts.taskId }) });
    opts.report(`claimed ${terminalText(claim.task.id)} "${terminalText(claim.task.title)}" in ${terminalText(claim.phase)} as ${terminalText(agentId)}`);

    if (embedded !== undefined) {
      const { coordinator } = embedded;
      const secret = jwtSecret;
      if (opts.reviewer !== undefined && opts.reviewer.length > 0) {
        const reviewer = opts.reviewer;
        let n = 0;
        const pool = startReviewers({
          service: coordinator.service,
          taskId: claim.task.id,
          report: opts.report,
          launch: (child, signal) => {
            const id = `${agentId}-reviewer-${++n}`;
            opts.report(`starting reviewer ${id} on ${child.id}: ${terminalText(reviewer.join(' '))}`);
            return runAgent({
              command: reviewer,
              // With --agent the reviewer is that agent too, wired through MCP like the author.
              ...(opts.agent !== undefined && { agent: opts.agent }),
              workspace,
              contractFile: opts.contractFile,
              agentId: id,
              coordinator: { url: coordinator.url, sidecarKey: coordinator.sidecarKey, ...(secret !== undefined && { jwtSecret: secret }) },
              taskId: child.id,
              // The operator asked for this reviewer, so it gets what the review task requires.
              capabilities: child.required_capabilities,
              env: baseEnv,
              auditDir: join(state!.dir, `audit-${id}`),
              logger: opts.logger.child({ run: id }),
              report: (line) => opts.report(`${id}: ${line}`),
              signal,
            });
          },
        });
        stops.push(() => pool.stop());
      }
      const desk = startApprovalDesk({
        service: coordinator.service,
        url: coordinator.url,
        adminKeyFile: coordinator.keyFiles.admin ?? state!.adminKeyFile,
        mode: opts.approvals ?? 'print',
        operator: `admin:terminal (${localUser()})`,
        report: opts.report,
      });
      stops.push(async () => desk.stop());
    }

    const promptDir = await mkdtemp(join(tmpdir(), 'phasegate-run-'));
    stops.push(() => rm(promptDir, { recursive: true, force: true }));
    await chmod(promptDir, 0o700);
    // The agent config below holds the agent key: never where the agent (or a commit) could pick it up.
    if (await isInside(promptDir, workspace)) throw new Error(`the temp dir ${promptDir} lies inside the workspace: set TMPDIR elsewhere`);
    const promptFile = join(promptDir, 'prompt.md');
    const prompt = renderPrompt({ contract, task: claim.task, phase: claim.phase, agentId, ...(opts.agent !== undefined && { agent: opts.agent }) });
    await writeFile(promptFile, prompt, { mode: 0o600 });

    const vars = {
      PHASEGATE_URL: sidecar.url,
      PHASEGATE_HTTP_URL: sidecar.httpUrl,
      PHASEGATE_AGENT_KEY: agentKey,
      PHASEGATE_AGENT_ID: agentId,
      PHASEGATE_TASK_ID: claim.task.id,
      PHASEGATE_PHASE_TOKEN: claim.token,
      PHASEGATE_PROMPT_FILE: promptFile,
    };
    const env = agentEnvironment(baseEnv, vars);
    let command = opts.command;
    if (opts.agent !== undefined) {
      const launch = await agentPreset(opts.agent).prepare({ dir: promptDir, mcpEnv: mcpEnvironment(vars), prompt, phasegate: phasegateCommand(), command, env });
      const [file, ...rest] = command;
      command = [file ?? agentPreset(opts.agent).defaultCommand, ...launch.args, ...rest];
      opts.report(`${opts.agent}: MCP server "phasegate" and its settings added (${launch.files.length > 0 ? launch.files.join(', ') : 'config overrides'})`);
    }
    let agentSandbox: AgentSandbox | undefined;
    if (sandbox === 'on') {
      agentSandbox = await prepareAgentSandbox(workspace, {
        logger: opts.logger,
        ...(baseEnv.HOME !== undefined && { home: baseEnv.HOME }),
        ...(opts.agentSandbox?.launcher !== undefined && { launcher: opts.agentSandbox.launcher }),
        readOnly: [promptDir, ...programFolders(command, workspace, env.PATH)],
        hidden: [...(state === undefined ? [] : [state.dir]), ...(opts.auditDir === undefined ? [] : [opts.auditDir]), join(packageRoot(), '.phasegate'), ...(opts.agentSandbox?.hidden ?? [])],
        writable: [...agentConfigPaths(opts.agent, baseEnv.HOME), ...(opts.agentSandbox?.writable ?? [])],
      });
      const dispose = agentSandbox.dispose;
      stops.push(() => dispose());
    }
    return await runChild(command, env, workspace, opts.signal, agentSandbox);
  } finally {
    // Before anything stops: the task is given back now, not when its lease runs out.
    if (sidecar !== undefined) await releaseClaim(sidecar, opts.report);
    await stopAll();
  }
}

/** After CMD exits (or could not start): the claim goes back unless the task finished or waits for a human. */
async function releaseClaim(sidecar: Sidecar, report: (line: string) => void): Promise<void> {
  try {
    const outcome = await sidecar.release();
    if (outcome === 'released') report('released the claim: the task can be claimed again');
    if (outcome === 'awaiting_approval') report('the task waits for an approval; its claim stays until someone decides');
  } catch (err) {
    report(`could not release the claim: ${terminalText((err as Error).message)} (it expires with its lease)`);
  }
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Read-only folders CMD needs to start: phasegate's own package (the SDK, the examples), the
 * folders of files named on its command line, and the `bin` folders of its PATH.
 */
function programFolders(command: readonly string[], cwd: string, path: string | undefined): string[] {
  const out = [packageRoot()];
  for (const arg of command) {
    const abs = resolve(cwd, arg);
    if ((isAbsolute(arg) || arg.includes('/')) && existsSync(abs)) out.push(dirname(abs));
  }
  for (const dir of (path ?? '').split(':')) if (isAbsolute(dir) && /\/s?bin$/.test(dir)) out.push(dir);
  return out;
}

/** A real agent keeps its own config writable (sessions, credentials refresh): ~/.claude, ~/.claude.json, ~/.codex. */
function agentConfigPaths(agent: AgentName | undefined, home: string | undefined): string[] {
  if (agent === undefined || home === undefined) return [];
  return agent === 'claude' ? [join(home, '.claude'), join(home, '.claude.json')] : [join(home, '.codex')];
}

async function isInside(dir: string, root: string): Promise<boolean> {
  const rel = relative(await realpath(root), await realpath(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function redactToken(key: string, value: unknown): unknown {
  return key === 'token' && typeof value === 'string' ? '…' : value;
}

/**
 * Runs CMD in its own process group so that teardown reaches its children too; Ctrl-C and
 * SIGTERM are forwarded to the group, and the group is killed when CMD exits (no orphans).
 */
function runChild(command: readonly string[], env: NodeJS.ProcessEnv, cwd: string, abort?: AbortSignal, sandbox?: AgentSandbox): Promise<number> {
  const [program, ...rest] = command;
  if (program === undefined) return Promise.reject(new TypeError('run: no command after --'));
  // In the agent sandbox the launcher runs CMD; its fd 3 says whether it could (sandbox-status.ts).
  const { file, args } = sandbox === undefined ? { file: program, args: rest } : sandbox.wrap(command);
  return new Promise((resolve, reject) => {
    const child = sandbox === undefined
      ? spawn(file, args, { env, cwd, stdio: 'inherit', detached: true })
      : spawn(file, args, { env: { ...env, ...sandbox.env }, cwd: '/', stdio: ['inherit', 'inherit', 'inherit', 'pipe'], detached: true });
    const status = sandboxStatus(child.stdio[3]);
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
    const onAbort = () => onSignal('SIGTERM');
    abort?.addEventListener('abort', onAbort, { once: true });
    if (abort?.aborted === true) onAbort();
    const done = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      abort?.removeEventListener('abort', onAbort);
      signalGroup('SIGKILL');
    };
    child.once('error', (err) => {
      done();
      reject(new Error(`cannot start ${file}: ${err.message}`));
    });
    // 'close', not 'exit': the status pipe must be read to its end first.
    child.once('close', (code, signal) => {
      done();
      const failed = status.failure(program);
      if (failed !== undefined) reject(new Error(`cannot start ${program}: ${failed}`));
      else resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
