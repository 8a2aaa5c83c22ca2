/**
 * The state dir of SPEC §3: where `phasegate run` keeps what it owns for one workspace (the
 * embedded coordinator's store and keys, the default audit log). It lies outside the
 * workspace because everything inside is reachable by the agent and by the code it gets run
 * (tests, scripts): a store or an audit log in the workspace can be rewritten by the agent.
 */
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { chmod, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Stable codes of a workspace or state dir that cannot be used. */
export type StateDirReason = 'workspace_not_found' | 'workspace_not_directory' | 'state_dir_inside_workspace' | 'state_dir_unsafe' | 'audit_dir_inside_workspace';

export class StateDirError extends Error {
  override readonly name = 'StateDirError';
  constructor(
    readonly code: StateDirReason,
    message: string,
  ) {
    super(message);
  }
}

/** What lives where in a state dir. */
export interface StatePaths {
  /** The state dir itself (real path). */
  readonly dir: string;
  /** The embedded coordinator's data dir: LMDB store, admin.key, sidecar.key, jwt.secret (0600 each). */
  readonly coordinatorDir: string;
  /** The bearer key for admin routes of the embedded coordinator (`phasegate task list`, `approve`). */
  readonly adminKeyFile: string;
  /** The HS256 secret shared by the embedded coordinator and its sidecar. */
  readonly jwtSecretFile: string;
  /** The default audit log directory of a sidecar serving this workspace. */
  readonly auditDir: string;
}

export function statePaths(dir: string): StatePaths {
  const coordinatorDir = join(dir, 'coordinator');
  return {
    dir,
    coordinatorDir,
    adminKeyFile: join(coordinatorDir, 'admin.key'),
    jwtSecretFile: join(coordinatorDir, 'jwt.secret'),
    auditDir: join(dir, 'audit'),
  };
}

/** `<readable basename>-<12 hex of sha256(real path)>`: stable per workspace, distinct for same-named ones. */
export function workspaceId(realWorkspace: string): string {
  const name = basename(realWorkspace).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'root';
  return `${name}-${createHash('sha256').update(realWorkspace).digest('hex').slice(0, 12)}`;
}

/**
 * Where the state dir of a workspace (given by its real path) is: `PHASEGATE_STATE_DIR`,
 * else `$XDG_STATE_HOME/phasegate/<id>`, else `~/.local/state/phasegate/<id>`. Pure: creates nothing.
 * A relative XDG_STATE_HOME is ignored, as the XDG spec says.
 */
export function stateDirFor(realWorkspace: string, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const explicit = env.PHASEGATE_STATE_DIR;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  return join(base, 'phasegate', workspaceId(realWorkspace));
}

/** The real path of an existing workspace folder; refuses a missing path or a file before anything is created. */
export async function resolveWorkspace(workspace: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(workspace);
  } catch {
    throw new StateDirError('workspace_not_found', `workspace does not exist: ${workspace}`);
  }
  if (!(await stat(real)).isDirectory()) throw new StateDirError('workspace_not_directory', `workspace is not a folder: ${workspace}`);
  return real;
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/** Real path of `path`, or of its nearest existing ancestor joined with the missing rest. */
async function realpathOfNearest(path: string): Promise<string> {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      return join(await realpath(at), ...missing.reverse());
    } catch {
      const parent = resolve(at, '..');
      if (parent === at) return path;
      missing.push(basename(at));
      at = parent;
    }
  }
}

/**
 * Checks, creates (0700) and returns the state dir of `workspace`. Refuses a missing
 * workspace, a state dir inside the workspace (compared by real path, so a symlink does not
 * hide it), and one owned by another user; tightens a looser mode to 0700.
 */
export async function openStateDir(workspace: string, env: NodeJS.ProcessEnv = process.env): Promise<StatePaths> {
  const realWorkspace = await resolveWorkspace(workspace);
  const wanted = stateDirFor(realWorkspace, env);
  const refuseInside = (dir: string) => {
    if (isInside(dir, realWorkspace)) {
      throw new StateDirError(
        'state_dir_inside_workspace',
        `state dir ${dir} lies inside the workspace ${realWorkspace}: the agent could rewrite the store, keys and audit log there; set PHASEGATE_STATE_DIR outside it`,
      );
    }
  };
  // Checked before mkdir so a refused state dir leaves nothing behind in the workspace.
  refuseInside(await realpathOfNearest(wanted));
  await mkdir(wanted, { recursive: true, mode: 0o700 });
  const dir = await realpath(wanted);
  refuseInside(dir);
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new StateDirError('state_dir_unsafe', `state dir is not a folder: ${dir}`);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new StateDirError('state_dir_unsafe', `state dir ${dir} belongs to uid ${info.uid}, not to this user; choose another PHASEGATE_STATE_DIR`);
  }
  // Another local user reading it would hold the admin key.
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  return statePaths(dir);
}

/**
 * Refuses an audit directory inside the workspace (by real path, nearest existing ancestor
 * first): there the agent's tools or the code it gets run could rewrite its own log.
 */
export async function assertAuditDirOutside(auditDir: string, realWorkspace: string): Promise<void> {
  const real = await realpathOfNearest(resolve(auditDir));
  if (isInside(real, realWorkspace)) {
    throw new StateDirError('audit_dir_inside_workspace', `audit dir ${auditDir} lies inside the workspace ${realWorkspace}: the agent could rewrite its own log; choose a folder outside it`);
  }
}

/**
 * Synchronous lookup for the CLI (no creation): the state paths a `phasegate run` on
 * `workspace` uses, or undefined if the workspace does not exist.
 */
export function statePathsFor(workspace: string, env: NodeJS.ProcessEnv = process.env): StatePaths | undefined {
  try {
    const real = realpathSync(workspace);
    if (!statSync(real).isDirectory()) return undefined;
    return statePaths(stateDirFor(real, env));
  } catch {
    return undefined;
  }
}
