/**
 * Which hash chains a path holds: a log file, a log directory, or a folder of log directories
 * (a state dir keeps one per sidecar: `audit/`, `audit-<reviewer>/`…). Each chain is verified
 * on its own, from genesis.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listAuditFiles } from './files.js';

export async function auditChains(path: string): Promise<string[]> {
  const { files, directory } = await listAuditFiles(path);
  if (!directory || files.length > 0) return [path];
  const chains: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    const sub = join(path, name);
    if (!(await stat(sub)).isDirectory()) continue;
    if ((await listAuditFiles(sub)).files.length > 0) chains.push(sub);
  }
  return chains.length > 0 ? chains : [path];
}
