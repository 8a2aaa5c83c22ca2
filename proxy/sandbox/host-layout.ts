/** The host facts a plan needs (which system folders exist, where node lives) and the launcher's programs. */
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Launcher } from './render.js';
import type { HostLayout } from './types.js';

const SYSTEM = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
const DEVICES = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty'];
const BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** mount, umount2, pivot_root, unshare, prctl: the only architecture-specific facts of the setup. */
const SYSCALLS: Partial<Record<NodeJS.Architecture, Launcher['syscalls']>> = {
  x64: { mount: 165, umount2: 166, pivotRoot: 155, unshare: 272, prctl: 157 },
  arm64: { mount: 40, umount2: 39, pivotRoot: 41, unshare: 97, prctl: 167 },
};

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

/** Reads the host layout. `home` is the $HOME commands would see (it is replaced by an empty tmpfs). */
export function readHostLayout(home: string | undefined = homedir()): HostLayout {
  const system: { path: string; symlink?: string }[] = [];
  for (const path of SYSTEM) {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink()) system.push({ path, symlink: readlinkSync(path) });
      else if (st.isDirectory()) system.push({ path });
    } catch {
      // absent on this distribution
    }
  }
  const devices = DEVICES.filter((d) => existsSync(d));
  const systemReal = system.filter((s) => s.symlink === undefined).map((s) => s.path);
  // The node running us (and so `npm test`) may live outside /usr, e.g. ~/.nvm/versions/node/vX.
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  const toolchains = systemReal.some((s) => within(prefix, s)) || prefix === '/' ? [] : [prefix];
  let resolver: string | undefined;
  try {
    const real = dirname(realpathSync('/etc/resolv.conf'));
    if (!within(real, '/etc') && !systemReal.some((s) => within(real, s))) resolver = real;
  } catch {
    // no resolver file: name resolution is the command's problem
  }
  return {
    system,
    devices,
    toolchains,
    ...(resolver === undefined ? {} : { resolver }),
    home: home === undefined || home === '' ? undefined : home,
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
  };
}

function findProgram(name: string): string | undefined {
  for (const d of BIN_DIRS) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The launcher on this host, or a reason why there is none. `perl` may name another program (tests, odd installs). */
export function findLauncher(perl?: string): Launcher | { missing: string } {
  const syscalls = SYSCALLS[process.arch];
  if (process.platform !== 'linux' || syscalls === undefined) return { missing: `Linux on x64 or arm64 (this is ${process.platform}/${process.arch})` };
  const p = perl ?? findProgram('perl');
  if (p === undefined) return { missing: 'perl (Debian/Ubuntu package perl-base)' };
  return { perl: p, syscalls };
}
