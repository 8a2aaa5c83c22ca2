/**
 * What a sandboxed command sees (SPEC §11), as a plain value: read-only system folders and
 * toolchains, a fresh /proc, a few device nodes, private empty /tmp and $HOME, and the
 * workspace at its real path as a copy-on-write overlay whose writes land in a private
 * upper folder. Nothing else of the host exists in it: no state dir, no keys, no other
 * workspaces, no home. Pure: unit-testable without a kernel.
 */
import type { HostLayout, MountStep, SandboxPlan } from './types.js';

export interface CommandPlanInput {
  readonly layout: HostLayout;
  /** Real path of the workspace root. */
  readonly workspace: string;
  /** Real path of the working directory (inside the workspace). */
  readonly cwd: string;
  /** Private folders on the host (0700, outside the workspace): the new root, overlay upper and work. */
  readonly dirs: { readonly root: string; readonly upper: string; readonly work: string };
  /** The phase's `sandbox.network`: false (default) keeps only loopback. */
  readonly network: boolean;
  /** Workspace-relative files made read-only inside (the locked tests and test_config). */
  readonly readOnlyFiles: readonly string[];
  /** Workspace-relative folders hidden behind an empty read-only tmpfs (`.phasegate`). */
  readonly hidden: readonly string[];
}

export const DEVICE_LINKS: readonly [string, string][] = [
  ['/dev/fd', '/proc/self/fd'],
  ['/dev/stdin', '/proc/self/fd/0'],
  ['/dev/stdout', '/proc/self/fd/1'],
  ['/dev/stderr', '/proc/self/fd/2'],
];

export function depth(p: string): number {
  return p.split('/').length;
}

export function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/**
 * What every sandbox shows: the read-only system folders, a fresh /proc for its own PID
 * namespace, a /dev of a few nodes; with the network, the resolver's folder when
 * /etc/resolv.conf points outside /etc (systemd-resolved).
 */
export function systemSteps(layout: HostLayout, network: boolean): MountStep[] {
  const steps: MountStep[] = [];
  for (const s of layout.system) {
    steps.push(s.symlink === undefined ? { kind: 'bind', source: s.path, path: s.path, readOnly: true, file: false } : { kind: 'symlink', path: s.path, target: s.symlink });
  }
  if (network && layout.resolver !== undefined) steps.push({ kind: 'bind', source: layout.resolver, path: layout.resolver, readOnly: true, file: false });
  steps.push({ kind: 'proc', path: '/proc' });
  steps.push({ kind: 'tmpfs', path: '/dev', mode: 0o755, readOnly: false });
  for (const d of layout.devices) steps.push({ kind: 'bind', source: d, path: d, readOnly: false, file: true });
  for (const [path, target] of DEVICE_LINKS) steps.push({ kind: 'symlink', path, target });
  return steps;
}

/** The plan for one run_command / run_tests. */
export function commandPlan(i: CommandPlanInput): SandboxPlan {
  const { layout, workspace } = i;
  const systemPaths = layout.system.map((s) => s.path);
  const steps = systemSteps(layout, i.network);

  // Placed by depth so that a parent mount never hides a child: the workspace may live in
  // /tmp or $HOME, and a toolchain in $HOME (nvm).
  const placed: MountStep[] = [{ kind: 'tmpfs', path: '/tmp', mode: 0o1777, readOnly: false }];
  const home = layout.home;
  // A private, empty $HOME: dotfiles, keys and other checkouts stay out of reach.
  if (home !== undefined && home !== '/' && home !== '/tmp' && !isWithin(home, workspace) && !systemPaths.some((s) => isWithin(home, s))) {
    placed.push({ kind: 'tmpfs', path: home, mode: 0o700, readOnly: false });
  }
  for (const t of layout.toolchains) {
    if (!isWithin(t, workspace) && !isWithin(workspace, t)) placed.push({ kind: 'bind', source: t, path: t, readOnly: true, file: false });
  }
  placed.push({ kind: 'overlay', lower: workspace, upper: i.dirs.upper, work: i.dirs.work, path: workspace });
  placed.sort((a, b) => depth(a.path) - depth(b.path));
  steps.push(...placed);

  const inWs = (rel: string): string => `${workspace}/${rel}`;
  for (const h of [...i.hidden].sort()) steps.push({ kind: 'tmpfs', path: inWs(h), mode: 0o555, readOnly: true });
  for (const f of [...i.readOnlyFiles].sort()) steps.push({ kind: 'readonly-file', path: inWs(f) });

  const env: Record<string, string> = { TMPDIR: '/tmp' };
  if (home !== undefined) env.HOME = home;
  return { root: i.dirs.root, steps, isolateNetwork: !i.network, cwd: i.cwd, uid: layout.uid, gid: layout.gid, env };
}
