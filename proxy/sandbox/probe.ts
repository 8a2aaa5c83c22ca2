/**
 * Can a sandbox be made here? Answered once per process by building a real one around a
 * scratch workspace, not by reading kernel settings: user namespaces may be off
 * (sysctl), restricted by AppArmor (Ubuntu ≥ 23.10), or absent in a container, and overlayfs
 * may refuse the temp folder's filesystem. The probe also proves the property the change
 * review relies on: the kernel cannot make an opaque folder here (upper-scan.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log.js';
import { launch } from './launch.js';
import { commandPlan } from './plan.js';
import { renderLaunch, type Launcher } from './render.js';
import type { HostLayout } from './types.js';
import { scanUpper } from './upper-scan.js';

const PROBE_TIMEOUT_MS = 20_000;

export async function probeSandbox(launcher: Launcher, layout: HostLayout, base: string, logger: Logger): Promise<true | string> {
  let dir: string;
  try {
    dir = await mkdtemp(join(base, 'phasegate-probe-'));
  } catch (err) {
    return `cannot create a private folder in ${base}: ${(err as Error).message}`;
  }
  try {
    const ws = join(dir, 'ws');
    const dirs = { root: join(dir, 'root'), upper: join(dir, 'upper'), work: join(dir, 'work') };
    for (const d of [ws, join(ws, 'd'), ...Object.values(dirs)]) mkdirSync(d);
    writeFileSync(join(ws, 'd', 'f'), 'x');
    const plan = commandPlan({ layout, workspace: ws, cwd: ws, dirs, network: false, readOnlyFiles: [], hidden: [] });
    // Deleting d/f must work; removing the folder d must fail (no opaque folders); x must appear.
    const script = 'rm -f d/f && { rmdir d 2>/dev/null; test -d d; } && echo ok > x';
    const { file, args } = renderLaunch(plan, launcher, ['/bin/sh', '-c', script]);
    const out = await launch(file, args, { timeoutMs: PROBE_TIMEOUT_MS, maxOutputBytes: 64 * 1024, env: { PATH: '/usr/bin:/bin' }, logger }).catch((err: Error) => ({ kind: 'setup_failed' as const, detail: err.message }));
    if (out.kind === 'setup_failed') return `the kernel refused to build a sandbox (${out.detail})`;
    if (out.kind === 'not_executed') return `/bin/sh could not run inside the sandbox (${out.errno})`;
    if (out.exit_code !== 0) return `the sandbox does not behave as required (probe exited ${out.exit_code}: ${out.stderr.trim().slice(0, 200)})`;
    const seen = scanUpper(dirs.upper, ws).map((c) => `${c.change} ${c.path}`).join(', ');
    if (seen !== 'deleted d/f, created x') return `the overlay's changes cannot be read reliably here (saw: ${seen})`;
    return true;
  } catch (err) {
    return `sandbox probe failed: ${(err as Error).message}`;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
