/**
 * Paths no phase may write or delete, whatever the contract says (SPEC §8). Checked by
 * `decide` and `checkRealPath`, so write/edit/delete and the sandbox's change review (which
 * decides every changed file like a write) refuse them alike.
 */

/**
 * `.git` at any depth, the folder itself included. Attack stopped: a nested
 * `tests/x/.git/config` with `core.fsmonitor` (or hooks) turning a later `git status` run in
 * that folder into code execution. Case-insensitive: `.GIT` is `.git` on macOS and Windows.
 */
const GIT_DIR = /(?:^|\/)\.git(?:\/|$)/i;

/**
 * The contract `phasegate run` loads from the workspace root when it has one: written by the
 * agent, the next run would enforce the agent's own rules.
 */
const DEFAULT_CONTRACT_NAME = 'agent_workflow.yaml';

export type ProtectedCheck = (path: string) => string | undefined;

/**
 * `contractPaths`: the workspace-relative real paths of the contract file the coordinator and
 * sidecar loaded (computed by the sidecar from real paths, so a contract reached through a
 * symlink or another name is protected under the name it really has in the workspace).
 * Returns the refusal message for a protected path, else undefined.
 */
export function alwaysProtected(contractPaths: readonly string[] = []): ProtectedCheck {
  const exact = new Set([DEFAULT_CONTRACT_NAME, ...contractPaths].map((p) => p.toLowerCase()));
  return (path) => {
    if (GIT_DIR.test(path)) return `path is protected (git metadata): ${path}`;
    if (exact.has(path.toLowerCase())) return `path is protected (the workflow contract): ${path}`;
    return undefined;
  };
}
