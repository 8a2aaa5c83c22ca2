/** The sandbox as a value: what a confined process sees, computed before any kernel call. */

/** One step of building the sandbox's root, in order. Paths are as the sandboxed process sees them. */
export type MountStep =
  /** A private, empty, writable tmpfs (`/tmp`, `$HOME`, `/dev`), or an empty read-only one that hides a folder. */
  | { readonly kind: 'tmpfs'; readonly path: string; readonly mode: number; readonly readOnly: boolean }
  /** A host folder or file shown at `path` (read-only unless `readOnly` is false). */
  | { readonly kind: 'bind'; readonly source: string; readonly path: string; readonly readOnly: boolean; readonly file: boolean }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  /** A fresh procfs for the sandbox's own PID namespace. */
  | { readonly kind: 'proc'; readonly path: string }
  /** The copy-on-write workspace: `lower` is the real workspace, writes land in `upper`. */
  | { readonly kind: 'overlay'; readonly lower: string; readonly upper: string; readonly work: string; readonly path: string }
  /** A file inside an earlier mount made read-only in place, if it exists (locked tests). */
  | { readonly kind: 'readonly-file'; readonly path: string };

export interface SandboxPlan {
  /** A folder on the host (empty, private) that becomes the sandbox's `/`. */
  readonly root: string;
  readonly steps: readonly MountStep[];
  /** true: a new network namespace with only loopback; false: the host's network. */
  readonly isolateNetwork: boolean;
  /** Working directory inside the sandbox. */
  readonly cwd: string;
  /** uid/gid the command runs as inside (the host's, so file ownership reads the same). */
  readonly uid: number;
  readonly gid: number;
  /** Variables set for the command on top of its (already scrubbed) environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** What the host offers, gathered once (host-layout.ts); the plan functions take it as a value. */
export interface HostLayout {
  /** System folders that exist: `/usr`, `/etc`, … A symlink (merged-/usr distributions) is recreated as one. */
  readonly system: readonly ({ readonly path: string; readonly symlink?: string })[];
  /** Device nodes that exist (`/dev/null`, …). */
  readonly devices: readonly string[];
  /** Folders holding the toolchain outside the system folders (e.g. an nvm prefix). */
  readonly toolchains: readonly string[];
  readonly home: string | undefined;
  /** The folder /etc/resolv.conf really lives in, when outside /etc (e.g. /run/systemd/resolve). */
  readonly resolver?: string;
  readonly uid: number;
  readonly gid: number;
}
