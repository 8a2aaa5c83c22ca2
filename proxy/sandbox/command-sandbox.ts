/**
 * `createCommandSandbox`: runs one command in the sandbox of SPEC §11 and hands back what
 * it changed, for the caller to decide and apply (the sandbox knows no policy).
 */
import { lstatSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhasegateError } from '../../core/errors.js';
import { createCallDirPool } from './call-dirs.js';
import type { Logger } from '../../core/log.js';
import { findLauncher, readHostLayout } from './host-layout.js';
import { launch, type Ran } from './launch.js';
import { commandPlan } from './plan.js';
import { probeSandbox } from './probe.js';
import { renderLaunch, type Launcher } from './render.js';
import type { HostLayout } from './types.js';
import { scanUpper, type UpperChange } from './upper-scan.js';

export interface CommandSandboxOptions {
  /** The launcher program, perl (default: found in /usr/bin, /bin…). A wrong path makes the sandbox unavailable. */
  readonly launcher?: string;
  /** Where per-call private folders are made (default os.tmpdir()); must not be inside a workspace. */
  readonly tmpDir?: string;
  /** The $HOME commands see, as an empty private folder (default the sidecar's home). */
  readonly home?: string;
  readonly logger: Logger;
}

export interface SandboxRequest {
  readonly argv: readonly string[];
  /** Real workspace root and real working directory inside it. */
  readonly workspace: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly env: Readonly<Record<string, string>>;
  readonly network: boolean;
  readonly readOnlyFiles: readonly string[];
}

/** A finished command and its changes, still held in the private upper folder until disposed. */
export interface SandboxRun {
  readonly ran: Ran;
  readonly changes: readonly UpperChange[];
  /** The new content of a created/modified regular file. */
  read(change: UpperChange): Buffer;
  /** Deletes the private folders (the upper folder with every discarded change). */
  dispose(): Promise<void>;
}

export interface CommandSandbox {
  /** true, or why no sandbox can be made here (probed once, cached). */
  available(): Promise<true | string>;
  /** Rejects with sandbox_unavailable (nothing executed) or tool_failed (program not executable). */
  run(req: SandboxRequest): Promise<SandboxRun>;
}

/** Folders inside the workspace no command may see: phasegate's own state, if an operator put it there. */
const HIDDEN = ['.phasegate'];

export function createCommandSandbox(opts: CommandSandboxOptions): CommandSandbox {
  const base = opts.tmpDir ?? tmpdir();
  const pool = createCallDirPool(base, opts.logger);
  let layout: HostLayout | undefined;
  let probed: Promise<true | string> | undefined;
  const found = findLauncher(opts.launcher);
  const launcher: Launcher | undefined = 'missing' in found ? undefined : found;

  const available = (): Promise<true | string> => {
    probed ??= (async () => {
      if (launcher === undefined) return `no sandbox launcher: ${(found as { missing: string }).missing} is required`;
      layout = readHostLayout(opts.home);
      return probeSandbox(launcher, layout, base, opts.logger);
    })();
    return probed;
  };

  const run = async (req: SandboxRequest): Promise<SandboxRun> => {
    const ok = await available();
    if (ok !== true || launcher === undefined || layout === undefined) {
      throw new PhasegateError('sandbox_unavailable', `commands cannot be confined on this host: ${ok === true ? 'no launcher' : ok}`);
    }
    // 0700 (mkdtemp) and outside the workspace: the command's writes wait here for review.
    const dirs = await pool.take();
    // Not awaited by the caller's answer: removing the folder is cleanup, not part of the call.
    const dispose = (): Promise<void> => {
      void dirs.release();
      return Promise.resolve();
    };
    try {
      const hidden = HIDDEN.filter((h) => lstatSync(join(req.workspace, h), { throwIfNoEntry: false })?.isDirectory() === true);
      const plan = commandPlan({ layout, workspace: req.workspace, cwd: req.cwd, dirs, network: req.network, readOnlyFiles: req.readOnlyFiles, hidden });
      const { file, args } = renderLaunch(plan, launcher, req.argv);
      const outcome = await launch(file, args, { timeoutMs: req.timeoutMs, maxOutputBytes: req.maxOutputBytes, env: { ...req.env, ...plan.env }, logger: opts.logger });
      if (outcome.kind === 'setup_failed') {
        opts.logger.error({ event: 'sandbox_setup_failed', detail: outcome.detail }, 'sandbox_setup_failed');
        throw new PhasegateError('sandbox_unavailable', `the sandbox could not be built: ${outcome.detail}`);
      }
      if (outcome.kind === 'not_executed') {
        const argv0 = req.argv[0] ?? '';
        throw new PhasegateError('tool_failed', `${outcome.errno}: ${argv0}`, { detail: `${outcome.errno}: ${argv0}`, errno: outcome.errno });
      }
      const changes = scanUpper(dirs.upper, req.workspace);
      return { ran: outcome, changes, read: (c) => readFileSync(c.source as string), dispose };
    } catch (err) {
      await dirs.release();
      throw err;
    }
  };

  return { available, run };
}
