import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhasegateError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { createWorkspace, type Workspace, type WorkspaceOptions } from '../../proxy/tools/index.js';

export const SECRET = 'TOP-SECRET-OUTSIDE-CONTENT';
export const silent = createLogger('tools-test', 'silent');
export const allowAll = (): void => undefined;

/**
 * A scratch layout: `<tmp>/ws` (the workspace root), `<tmp>/ws_secret/secret.txt` (the
 * prefix sibling of the root) and `<tmp>/outside/secret.txt`.
 */
export interface Scratch {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  readonly sibling: string;
  readonly ws: Workspace;
  cleanup(): void;
}

export async function scratch(opts: WorkspaceOptions = {}): Promise<Scratch> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'pg-tools-')));
  const root = join(base, 'ws');
  const outside = join(base, 'outside');
  const sibling = join(base, 'ws_secret');
  for (const d of [root, outside, sibling]) mkdirSync(d);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(sibling, 'secret.txt'), SECRET);
  const ws = await createWorkspace(root, { logger: silent, ...opts });
  return { base, root, outside, sibling, ws, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** The reason code of a rejected promise (tests assert codes, never messages). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PhasegateError) return err.code;
    throw err;
  }
  return 'resolved';
}

export async function errorOf(p: Promise<unknown>): Promise<PhasegateError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PhasegateError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
