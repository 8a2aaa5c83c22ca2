/**
 * Workspace path confinement, lexical part (SPEC §5 "Path rules"). Pure: no file system.
 * The sidecar adds the real-path part (symlinks) with `isInsideRoot` + `checkRealPath`.
 */
import { posix, resolve, sep } from 'node:path';

export type NormalizedPath =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: 'path_outside_workspace' | 'invalid_params'; readonly message: string };

const ROOT: NormalizedPath = Object.freeze({ ok: true, path: '.' });
/** `C:`, `c:foo` — a drive-relative path on Windows hosts. */
const DRIVE = /^[A-Za-z]:/;

function outside(message: string): NormalizedPath {
  return { ok: false, reason: 'path_outside_workspace', message };
}

/**
 * Turns an agent-supplied path into a workspace-relative, `/`-separated path with no `.`
 * or `..` segments (root = `.`), or refuses it.
 *
 * Only relative inputs are accepted and the result never starts with `..`, so the result
 * is always *below* the root by construction: the prefix-sibling escape of the 2025 MCP
 * filesystem server (root `/ws`, request `/ws_secret/x` passing `startsWith('/ws')`)
 * cannot be expressed — there is no absolute path here to compare by prefix. The one
 * place absolute paths are compared (after symlink resolution) uses `isInsideRoot`.
 */
export function normalizeWorkspacePath(input: unknown): NormalizedPath {
  if (typeof input !== 'string') return { ok: false, reason: 'invalid_params', message: 'path must be a string' };
  if (input === '' || input === '.') return ROOT;
  // NUL truncates the path in the C layer below node: `ok.txt\0../../etc/passwd`.
  if (input.includes('\0')) return outside('path contains a NUL byte');
  if (input.startsWith('/')) return outside(`path is absolute: ${input}`); // also `//server/share` (UNC)
  // `a\..\..\x` is one harmless name on POSIX but an escape on Windows and to any tool
  // that "helpfully" converts separators; `\\server\share` is a UNC path.
  if (input.includes('\\')) return outside(`path contains a backslash: ${input}`);
  if (DRIVE.test(input)) return outside(`path has a drive letter: ${input}`);
  // `~/x` means the home folder to shells and many libraries that might see it later.
  if (input.startsWith('~')) return outside(`path starts with ~: ${input}`);
  if (isCanonical(input)) return { ok: true, path: input }; // the common case; skips normalize's copying
  let p = posix.normalize(input);
  if (p === '..' || p.startsWith('../')) return outside(`path escapes workspace: ${input}`);
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '.' || p === '') return ROOT;
  return { ok: true, path: p };
}

/** True when `p` has no empty, `.` or `..` segment (so no leading or trailing `/` either). */
function isCanonical(p: string): boolean {
  let start = 0;
  for (let i = 0; i <= p.length; i++) {
    if (i < p.length && p.charCodeAt(i) !== 0x2f) continue;
    const len = i - start;
    if (len === 0) return false;
    if (len <= 2 && p.charCodeAt(start) === 0x2e && (len === 1 || p.charCodeAt(start + 1) === 0x2e)) return false;
    start = i + 1;
  }
  return true;
}

/**
 * True when `realAbsPath` (already symlink-resolved) is the root or below it. Compares
 * with `root + sep`, never a bare `startsWith(root)`: that is the 2025 MCP filesystem
 * server CVE, where `/ws_secret` passed as inside `/ws`.
 */
export function isInsideRoot(root: string, realAbsPath: string): boolean {
  const r = resolve(root);
  const p = resolve(realAbsPath);
  if (p === r) return true;
  return p.startsWith(r.endsWith(sep) ? r : r + sep);
}
