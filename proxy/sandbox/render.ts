/** Renders a SandboxPlan into one argv: perl running setup-script.ts (namespaces, mounts, the command). */
import { dirname } from 'node:path';
import { SETUP_SCRIPT } from './setup-script.js';
import type { MountStep, SandboxPlan } from './types.js';

/** The host programs and syscall numbers a launch needs (host-layout.ts finds them). */
export interface Launcher {
  readonly perl: string;
  readonly syscalls: { readonly mount: number; readonly umount2: number; readonly pivotRoot: number; readonly unshare: number; readonly prctl: number };
}

const CLONE_NEWNS = 0x00020000;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWPID = 0x20000000;
const CLONE_NEWNET = 0x40000000;

const RDONLY = 1;
const NOSUID = 2;
const NODEV = 4;
const NOEXEC = 8;

/** overlayfs splits its options on `,` and `:` unless escaped with a backslash. */
function overlayPath(p: string): string {
  return p.replace(/[\\,:]/g, (c) => `\\${c}`);
}

function stepOps(root: string, s: MountStep): string[] {
  const at = root + s.path;
  switch (s.kind) {
    case 'tmpfs':
      return ['d', at, 'm', 'tmpfs', at, 'tmpfs', String(NOSUID | NODEV | (s.readOnly ? RDONLY : 0)), `mode=${s.mode.toString(8)}`];
    case 'bind': {
      const flags = s.readOnly ? RDONLY | NOSUID | NODEV : 0;
      const target = s.file ? ['d', dirname(at), 'f', at] : ['d', at];
      return [...target, 'b', s.source, at, String(flags)];
    }
    case 'symlink':
      return ['d', dirname(at), 'l', s.target, at];
    case 'proc':
      return ['d', at, 'm', 'proc', at, 'proc', String(NOSUID | NODEV | NOEXEC), ''];
    case 'overlay': {
      const data = `lowerdir=${overlayPath(s.lower)},upperdir=${overlayPath(s.upper)},workdir=${overlayPath(s.work)}`;
      return ['d', at, 'm', 'overlay', at, 'overlay', '0', data];
    }
    case 'readonly-file':
      return ['q', at];
  }
}

/** The argv that runs `argv` inside the plan's sandbox (file first). */
export function renderLaunch(plan: SandboxPlan, launcher: Launcher, argv: readonly string[]): { file: string; args: string[] } {
  const ns = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | (plan.isolateNetwork ? CLONE_NEWNET : 0);
  const sc = launcher.syscalls;
  // The new root is an empty tmpfs: only what the steps put there exists.
  const ops: string[] = ['m', 'tmpfs', plan.root, 'tmpfs', String(NOSUID), 'mode=755'];
  for (const s of plan.steps) ops.push(...stepOps(plan.root, s));
  if (plan.isolateNetwork) ops.push('n');
  ops.push('p', plan.root, 'u', String(plan.uid), String(plan.gid), 'c', plan.cwd, '--');
  const nums = [sc.mount, sc.umount2, sc.pivotRoot, sc.unshare, sc.prctl, ns].map(String);
  return { file: launcher.perl, args: ['-e', SETUP_SCRIPT, '--', ...nums, ...ops, ...argv] };
}
