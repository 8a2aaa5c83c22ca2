import type { TestRunEvidence } from '../../core/gates/types.js';
import type { UpperChange } from '../sandbox/upper-scan.js';

export interface CommandResult {
  readonly exit_code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly duration_ms: number;
  readonly truncated: boolean;
}

export interface TestResult {
  readonly exit_code: number;
  readonly passed: number;
  readonly failed: number;
  readonly duration_ms: number;
  readonly output: string;
}

/**
 * The workspace a sidecar executes in. Every method takes a path already normalized by the
 * policy (relative, `/`-separated, no `..`), resolves symlinks itself, refuses anything whose
 * real target is outside the root with PhasegateError('path_outside_workspace'), and calls
 * `recheck(realRelativePath)` (the policy's checkRealPath) before touching it. Execution
 * failures are PhasegateError('tool_failed', detail).
 */
export interface Workspace {
  readonly root: string;
  readFile(path: string, recheck: RealPathCheck): Promise<{ content: string; bytes: number }>;
  writeFile(path: string, content: string, recheck: RealPathCheck): Promise<{ bytes: number }>;
  editFile(path: string, oldText: string, newText: string, recheck: RealPathCheck): Promise<{ replacements: number }>;
  listFiles(path: string, pattern: string | undefined, recheck: RealPathCheck): Promise<{ files: string[] }>;
  search(query: string, path: string, pattern: string | undefined, recheck: RealPathCheck): Promise<{ matches: { path: string; line: number; text: string }[] }>;
  deleteFile(path: string, recheck: RealPathCheck): Promise<{ deleted: true }>;
  /** Whether commands run in the sandbox of SPEC §11 (their changes then come back as `pending`). */
  readonly sandboxed: boolean;
  runCommand(argv: readonly string[], opts: { cwd: string; timeoutMs?: number; confine?: CommandConfinement }): Promise<CommandResult & Sandboxed>;
  runTests(argv: readonly string[], opts: { timeoutMs: number; confine?: CommandConfinement }): Promise<TestResult & Sandboxed>;
  /** write_file for bytes (a sandboxed command's file): same confinement; `mode` keeps a new script executable. */
  writeBytes(path: string, data: Uint8Array, mode: number | undefined, recheck: RealPathCheck): Promise<{ bytes: number }>;
  /** sha256 of every regular file under the root matching the globs, at any depth, and the symlinks they match. */
  hashFiles(globs: readonly string[]): Promise<TestLockScan>;
  /** The workspace revision: changes applied so far through this workspace (workspace-revision.ts). */
  revision(): number;
  /** Counts a change made outside the file tools (a command run without the sandbox wrote the workspace directly). */
  noteExternalChange(): void;
}

/** What the test lock sees: path → sha256 for regular files, and the matched paths that are symlinks. */
export interface TestLockScan {
  readonly hashes: Record<string, string>;
  readonly links: string[];
}

/** What the phase says about a sandboxed command. */
export interface CommandConfinement {
  /** The phase's `sandbox.network`. */
  readonly network: boolean;
  /** Workspace-relative files read-only inside the sandbox (the locked tests). */
  readonly readOnlyFiles: readonly string[];
}

/** A sandboxed command's changes, not yet in the workspace: the caller decides, applies, then disposes. */
export interface PendingChanges {
  readonly list: readonly UpperChange[];
  read(change: UpperChange): Buffer;
  dispose(): Promise<void>;
}

export interface Sandboxed {
  /** Present when the command ran sandboxed. Not part of the wire result. */
  readonly pending?: PendingChanges;
}

/** Throws PhasegateError (path_not_permitted / path_outside_workspace) if the real path is not allowed. */
export type RealPathCheck = (realRelativePath: string) => void;

export type { TestRunEvidence };
