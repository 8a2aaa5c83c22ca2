/**
 * The workspace revision: a counter bumped by every change phasegate applies to the
 * workspace. A test run records the revision its result holds for; `tests_passing` refuses a
 * run whose revision is not the current one (`tests_stale`), so a green run followed by any
 * write, edit, delete or applied command change no longer counts.
 *
 * Where it is bumped, and why there: in file-tools.ts, by writeFileTool, editFileTool,
 * writeBytesTool and deleteFileTool — the confined write/delete functions every change goes
 * through. The file tools call them, and so does the sandbox's apply step for the files a
 * command changed (SPEC §11: `Workspace.writeBytes` / `deleteFile`), so a new way of changing
 * the workspace built on them is counted without anyone remembering to. A change that bypasses them (a command run with the sandbox off
 * writes the real workspace directly) is not seen here: the sidecar then bumps the revision
 * once per such command (see proxy/sidecar/tool-exec.ts).
 */
export class WorkspaceRevision {
  #value = 0;

  /** The number of changes applied so far. */
  get value(): number {
    return this.#value;
  }

  /** One more change was applied (called after the change, success or not: a partial change is a change). */
  bump(): void {
    this.#value++;
  }
}
