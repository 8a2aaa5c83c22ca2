/** list_files and search: walk a confined folder, report only what passes confinement and the re-check. */
import { realpath, stat } from 'node:fs/promises';
import micromatch from 'micromatch';
import { PhasegateError } from '../../core/errors.js';
import { confine, resolveExisting, type RealTarget } from './path-confinement.js';
import { readVerified } from './safe-read.js';
import { walkTree, type TreeEntry } from './tree-walk.js';
import type { RealPathCheck } from './types.js';

export const SEARCH_MAX_MATCHES = 1000;
export const SEARCH_MAX_FILE_BYTES = 2 * 1024 * 1024;
/** A matched line is cut here: one minified line must not fill the reply. */
export const SEARCH_MAX_LINE_CHARS = 500;

export interface Match {
  path: string;
  line: number;
  text: string;
}

/**
 * The agent's own filter: micromatch with `dot`, and a pattern without `/` matches the base
 * name (`*.ts` finds `src/a.ts`). Paths it is matched against are root-relative.
 */
function filterFor(pattern: string | undefined): (rel: string) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  const isMatch = micromatch.matcher(pattern, { dot: true });
  // Done here, not with micromatch's `basename` option: that one also breaks `src/**/*.md`.
  if (pattern.includes('/')) return isMatch;
  return (rel) => isMatch(rel.slice(rel.lastIndexOf('/') + 1));
}

/** A path failing the policy's re-check is left out of results, not an error for the whole call. */
function passes(recheck: RealPathCheck, rel: string): boolean {
  try {
    recheck(rel);
    return true;
  } catch (err) {
    if (err instanceof PhasegateError) return false;
    throw err;
  }
}

/** The entry's real target if it is a regular file inside the root (symlinks resolved and confined). */
async function realFile(root: string, e: TreeEntry): Promise<RealTarget | undefined> {
  if (!e.isLink) return { abs: e.abs, rel: e.rel };
  try {
    const target = confine(root, await realpath(e.abs), e.rel);
    return (await stat(target.abs)).isFile() ? target : undefined;
  } catch {
    return undefined; // dangling, outside the root, or gone: not listed
  }
}

async function filesUnder(root: string, start: RealTarget): Promise<TreeEntry[]> {
  if ((await stat(start.abs)).isDirectory()) return walkTree(root, start.abs);
  return [{ abs: start.abs, rel: start.rel, isLink: false }];
}

export async function listFilesTool(
  root: string,
  path: string,
  pattern: string | undefined,
  recheck: RealPathCheck,
): Promise<{ files: string[] }> {
  const start = await resolveExisting(root, path, recheck);
  const wanted = filterFor(pattern);
  const files: string[] = [];
  for (const e of await filesUnder(root, start)) {
    if (!wanted(e.rel)) continue;
    const real = await realFile(root, e);
    if (real !== undefined && passes(recheck, real.rel)) files.push(e.rel);
  }
  return { files };
}

/** Literal search. Symlinks are not searched (their target is found under its own path, if inside). */
export async function searchTool(
  root: string,
  query: string,
  path: string,
  pattern: string | undefined,
  recheck: RealPathCheck,
): Promise<{ matches: Match[] }> {
  if (query === '') throw new PhasegateError('invalid_params', 'query must not be empty');
  const start = await resolveExisting(root, path, recheck);
  const wanted = filterFor(pattern);
  const matches: Match[] = [];
  for (const e of await filesUnder(root, start)) {
    if (e.isLink || !wanted(e.rel) || !passes(recheck, e.rel)) continue;
    let buf: Buffer;
    try {
      buf = await readVerified({ abs: e.abs, rel: e.rel }, SEARCH_MAX_FILE_BYTES);
    } catch {
      continue; // too big, vanished, or changed under us: skipped, never read by name
    }
    if (!collect(buf, e.rel, query, matches)) break;
  }
  return { matches };
}

/** Appends matches of one file; false once the cap is reached. Binary files (a NUL in the first 8 KiB) are skipped. */
function collect(buf: Buffer, rel: string, query: string, matches: Match[]): boolean {
  if (buf.subarray(0, 8192).includes(0)) return true;
  const lines = buf.toString('utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).replace(/\r$/, '');
    if (!text.includes(query)) continue;
    matches.push({ path: rel, line: i + 1, text: text.slice(0, SEARCH_MAX_LINE_CHARS) });
    if (matches.length >= SEARCH_MAX_MATCHES) return false;
  }
  return true;
}
