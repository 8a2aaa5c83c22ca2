/** `createWorkspace`: the sidecar's executor for the built-in tools of SPEC §5, confined to one root. */
import { realpath, stat } from 'node:fs/promises';
import { PhasegateError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/log.js';
import { scrubEnv } from './child-env.js';
import type { CommandSandbox } from '../sandbox/index.js';
import { deleteFileTool, editFileTool, readFileTool, writeBytesTool, writeFileTool, type FileToolLimits } from './file-tools.js';
import { listFilesTool, searchTool } from './find-tools.js';
import { withGitSafety } from './git-safety.js';
import { hashFiles } from './hash-files.js';
import { resolveExisting } from './path-confinement.js';
import { execute } from './run-command.js';
import { readTestCounts } from './test-counts/index.js';
import { toolFailed } from './tool-errors.js';
import type { CommandConfinement, PendingChanges, Workspace } from './types.js';
import { WorkspaceRevision } from './workspace-revision.js';

export interface WorkspaceOptions {
  /** Per-stream cap on command output (default 1 MiB); past it `truncated: true`. */
  readonly maxOutputBytes?: number;
  /** Command timeout when the call names none (default 120 000 ms). */
  readonly defaultTimeoutMs?: number;
  /** Largest file read_file/edit_file/hashFiles load (default 8 MiB, the wire's frame limit). */
  readonly maxFileBytes?: number;
  /** Base environment for commands, scrubbed before use (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Secret-named variables the operator lets commands see (never the PHASEGATE_ or ORCHESTRATOR_ ones). */
  readonly keepEnv?: readonly string[];
  readonly logger?: Logger;
  /**
   * Confines run_command / run_tests (SPEC §11): without it they run on the host as the
   * sidecar's user — only for `--sandbox off`, which the operator chose and the audit records.
   */
  readonly sandbox?: CommandSandbox;
}

const MiB = 1024 * 1024;
/** setTimeout's ceiling; a larger agent-supplied timeout would fire at once instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Folders have no real-path constraint of their own for commands; confinement still applies. */
const NO_RECHECK = (): void => undefined;

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

/** Opens a workspace at `root` (realpath'ed once, here). Throws TypeError on a bad option or root. */
export async function createWorkspace(root: string, opts: WorkspaceOptions = {}): Promise<Workspace> {
  if (typeof root !== 'string' || root === '') throw new TypeError('root must be a non-empty string');
  const maxOutputBytes = positiveInt('maxOutputBytes', opts.maxOutputBytes, MiB);
  const defaultTimeoutMs = positiveInt('defaultTimeoutMs', opts.defaultTimeoutMs, 120_000);
  const maxFileBytes = positiveInt('maxFileBytes', opts.maxFileBytes, 8 * MiB);
  const realRoot = await realpath(root).catch(() => undefined);
  if (realRoot === undefined || !(await stat(realRoot)).isDirectory()) throw new TypeError(`root is not a folder: ${root}`);
  const logger = opts.logger ?? createLogger('tools');
  const env = scrubEnv(opts.env ?? process.env, opts.keepEnv);
  const revision = new WorkspaceRevision();
  const limits: FileToolLimits = { root: realRoot, maxFileBytes, revision };

  /** Confinement refusals are logged here once; the sidecar audits the call itself. */
  const logged = async <T>(path: string, op: Promise<T>): Promise<T> => {
    try {
      return await op;
    } catch (err) {
      if (err instanceof PhasegateError && err.code === 'path_outside_workspace') {
        logger.warn({ path, message: err.message }, 'confinement_refused');
      }
      throw err;
    }
  };

  const run = async (argv: readonly string[], cwd: string, timeoutMs: number | undefined, confine: CommandConfinement | undefined) => {
    const dir = await logged(cwd, resolveExisting(realRoot, cwd, NO_RECHECK));
    if (!(await stat(dir.abs)).isDirectory()) throw toolFailed('ENOTDIR', dir.rel);
    const t = timeoutMs ?? defaultTimeoutMs;
    if (!Number.isSafeInteger(t) || t <= 0) throw new PhasegateError('invalid_params', 'timeout_ms must be a positive integer');
    const timeout = Math.min(t, MAX_TIMER_MS);
    // git reads its config from the workspace: safe options in the sandbox too (no fsmonitor, hooks…).
    const cmd = withGitSafety(argv, env, dir.abs, realRoot);
    if (opts.sandbox === undefined) {
      const r = await execute(cmd.argv, { cwd: dir.abs, timeoutMs: timeout, maxOutputBytes, env: cmd.env, logger });
      return { ...r, pending: undefined };
    }
    const sr = await opts.sandbox.run({
      argv: cmd.argv, workspace: realRoot, cwd: dir.abs, timeoutMs: timeout, maxOutputBytes, env: cmd.env,
      network: confine?.network ?? false, readOnlyFiles: confine?.readOnlyFiles ?? [],
    });
    const pending: PendingChanges = { list: sr.changes, read: sr.read, dispose: sr.dispose };
    return { ...sr.ran, pending };
  };

  return {
    root: realRoot,
    readFile: (path, recheck) => logged(path, readFileTool(limits, path, recheck)),
    writeFile: (path, content, recheck) => logged(path, writeFileTool(limits, path, content, recheck)),
    editFile: (path, o, n, recheck) => logged(path, editFileTool(limits, path, o, n, recheck)),
    deleteFile: (path, recheck) => logged(path, deleteFileTool(limits, path, recheck)),
    listFiles: (path, pattern, recheck) => logged(path, listFilesTool(realRoot, path, pattern, recheck)),
    search: (query, path, pattern, recheck) => logged(path, searchTool(realRoot, query, path, pattern, recheck)),
    sandboxed: opts.sandbox !== undefined,
    writeBytes: (path, data, mode, recheck) => logged(path, writeBytesTool(limits, path, data, mode, recheck)),
    async runCommand(argv, o) {
      const r = await run(argv, o.cwd, o.timeoutMs, o.confine);
      const result = { exit_code: r.exit_code, stdout: r.stdout, stderr: r.stderr, duration_ms: r.duration_ms, truncated: r.truncated };
      return r.pending === undefined ? result : { ...result, pending: r.pending };
    },
    async runTests(argv, o) {
      const r = await run(argv, '.', o.timeoutMs, o.confine);
      // The tail holds the closing summary; a long JSON report may start before it, so the
      // capped head of the output is read when the tail alone names no runner.
      const tail = readTestCounts(r.tail);
      const { passed, failed } = tail.runner === null ? readTestCounts(r.combined) : tail;
      const result = { exit_code: r.exit_code, passed, failed, duration_ms: r.duration_ms, output: r.combined };
      return r.pending === undefined ? result : { ...result, pending: r.pending };
    },
    hashFiles: (globs) => hashFiles(realRoot, globs, maxFileBytes),
    revision: () => revision.value,
    noteExternalChange: () => revision.bump(),
  };
}
