/** A separate process that swaps a path between a regular file and a symlink out, forever (TOCTOU tests). */
import { spawn, type ChildProcess } from 'node:child_process';

const SWAP_FILE = `
const fs = require('fs'), p = require('path');
const [dir, name, target, inside] = process.argv.slice(1);
const t = p.join(dir, name), link = p.join(dir, 'tmp-link'), file = p.join(dir, 'tmp-file');
process.stdout.write('ready\\n');
for (;;) {
  try { fs.unlinkSync(link); } catch {}
  fs.symlinkSync(target, link); fs.renameSync(link, t);
  fs.writeFileSync(file, inside); fs.renameSync(file, t);
}`;

/**
 * Starts the swapper on `dir/name` (symlink to `target`, or a file holding `inside`) and
 * resolves once it is running. The caller kills it.
 */
export async function startFileSwapper(dir: string, name: string, target: string, inside: string, script = SWAP_FILE): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script, dir, name, target, inside], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`swapper exited ${code}`)));
  });
  return child;
}
