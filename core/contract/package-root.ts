import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding phasegate's package.json. This module runs from source (vitest) and
 * compiled (dist/core/contract), so the depth differs: walk up instead of counting `..`.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

/** phasegate's own `schemas/` folder (workflow.schema.json, artifacts/). */
export function defaultSchemasDir(): string {
  return join(packageRoot(), 'schemas');
}
