/** A workspace whose commands run in the real command sandbox, plus host-side probes for escapes. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createCommandSandbox } from '../../proxy/sandbox/index.js';
import { scratch, silent, type Scratch } from '../tools/helpers.js';

export { silent };

export async function sandboxedScratch(home?: string): Promise<Scratch> {
  const sandbox = createCommandSandbox({ logger: silent, ...(home === undefined ? {} : { home }) });
  const ok = await sandbox.available();
  if (ok !== true) throw new Error(`the command sandbox must work on this machine (CI too): ${ok}`);
  return scratch({ sandbox, ...(home === undefined ? {} : { env: { ...process.env, HOME: home } }) });
}

/**
 * Host pids whose command line contains `marker` (zombies excluded), leaving out the sandbox
 * launcher itself (perl, whose arguments carry the command): it answers as soon as every
 * process of the command is dead, and may still be tearing the namespaces down.
 */
export function hostProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/^\S*perl\0-e\0/.test(cmd)) continue;
      if (cmd.includes(marker) && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function eventually(pred: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pred();
}

export const exists = existsSync;
