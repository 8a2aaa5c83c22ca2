/**
 * `prepareAgentSandbox`: the argv that starts the agent CMD of `phasegate run` inside the
 * agent sandbox (agent-plan.ts), built by the same launcher as commands. Refuses with
 * sandbox_unavailable where no sandbox can be made (the caller names the fix).
 */
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhasegateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { agentPlan } from './agent-plan.js';
import { createCommandSandbox } from './command-sandbox.js';
import { findLauncher, readHostLayout } from './host-layout.js';
import { renderLaunch } from './render.js';

export interface AgentSandboxOptions {
  /** The agent's $HOME (default the wrapper's). */
  readonly home?: string;
  /** Host paths the agent must not see: phasegate's state dir, key files' folders, the audit dir. */
  readonly hidden?: readonly string[];
  /** Paths under $HOME the agent may write: its own config (e.g. ~/.claude, ~/.claude.json). */
  readonly writable?: readonly string[];
  /** Host folders shown read-only (e.g. the prompt file's folder). */
  readonly readOnly?: readonly string[];
  readonly launcher?: string;
  readonly tmpDir?: string;
  readonly logger: Logger;
}

export interface AgentSandbox {
  /** The program and arguments that run `argv` in the sandbox; fd 3 of the child carries the setup status. */
  wrap(argv: readonly string[]): { file: string; args: string[] };
  /** Variables the agent's environment needs inside (TMPDIR, HOME). */
  readonly env: Readonly<Record<string, string>>;
  dispose(): Promise<void>;
}

function existing(paths: readonly string[]): { path: string; file: boolean }[] {
  const out: { path: string; file: boolean }[] = [];
  for (const p of paths) {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined || st.isSymbolicLink()) continue;
    out.push({ path: realpathSync(p), file: !st.isDirectory() });
  }
  return out;
}

export async function prepareAgentSandbox(workspace: string, opts: AgentSandboxOptions): Promise<AgentSandbox> {
  const home = opts.home ?? process.env.HOME;
  const ok = await createCommandSandbox({ logger: opts.logger, ...(opts.launcher === undefined ? {} : { launcher: opts.launcher }), ...(opts.tmpDir === undefined ? {} : { tmpDir: opts.tmpDir }) }).available();
  const launcher = findLauncher(opts.launcher);
  if (ok !== true || 'missing' in launcher) throw new PhasegateError('sandbox_unavailable', ok === true ? 'no sandbox launcher' : ok);
  const layout = readHostLayout(home);
  const ws = realpathSync(workspace);
  // Always hidden: the user's SSH keys, phasegate's state for every workspace, its folder in this one.
  const stateRoot = process.env.XDG_STATE_HOME ?? (home === undefined ? undefined : join(home, '.local', 'state'));
  const always = [
    ...(home === undefined ? [] : [join(home, '.ssh')]),
    ...(stateRoot === undefined ? [] : [join(stateRoot, 'phasegate')]),
    ...(process.env.PHASEGATE_STATE_DIR === undefined ? [] : [process.env.PHASEGATE_STATE_DIR]),
    join(ws, '.phasegate'),
  ];
  const hidden = existing([...always, ...(opts.hidden ?? [])])
    .filter((h) => !h.file)
    .map((h) => h.path);
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'phasegate-agent-'));
  const root = join(dir, 'root');
  mkdirSync(root);
  const plan = agentPlan({
    layout,
    workspace: ws,
    root,
    hidden,
    writable: existing(opts.writable ?? []),
    readOnly: existing(opts.readOnly ?? []).filter((r) => !r.file).map((r) => r.path),
  });
  return {
    wrap: (argv) => renderLaunch(plan, launcher, argv),
    env: plan.env,
    dispose: () => rm(dir, { recursive: true, force: true }).catch(() => undefined),
  };
}
