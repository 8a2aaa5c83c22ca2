/** Runs an allowed tool call in the workspace and says what its audit `result` record holds. */
import { PhasegateError } from '../../core/errors.js';
import type { BoundPolicy, Decision } from '../../core/policy/types.js';
import type { AuditRecord } from '../audit/types.js';
import type { CommandConfinement, PendingChanges, RealPathCheck } from '../tools/types.js';
import { noteChangedFile } from './changed-files.js';
import { settleChanges, type ChangesResult, type CommandCall } from './command-changes.js';
import type { SidecarContext } from './context.js';

export interface Executed {
  readonly value: unknown;
  readonly result: NonNullable<AuditRecord['result']>;
}

type Args = Readonly<Record<string, unknown>>;

/**
 * Symlinks are resolved by the workspace; the real path is then held to the same globs and
 * protected paths as the requested one, so `docs/plans/x -> ../src/app.ts` cannot write source in PLAN.
 */
function realPathCheck(ctx: SidecarContext, policy: BoundPolicy, tool: string): RealPathCheck {
  const writes = tool === 'write_file' || tool === 'edit_file' || tool === 'delete_file';
  return (real) => {
    const d = policy.checkRealPath(tool, real);
    if (d.decision === 'deny') throw new PhasegateError(d.reason ?? 'path_not_permitted', d.message ?? `path not permitted: ${real}`, { path: real });
    // Phase fence (SPEC §11), for phase changes the sidecar did not cause (an approval landing,
    // a lease lost): the session rebinds its policy on every phase or epoch change, so another
    // policy object means the decision was made in another phase. Nothing is written then.
    if (writes && ctx.session.policy !== policy) {
      throw new PhasegateError('tool_failed', `the phase changed since this call was decided; nothing was written: ${real}`, { detail: 'phase_changed', path: real });
    }
  };
}

/** What the phase says about a sandboxed command: its network, and the locked tests read-only. */
function confinement(ctx: SidecarContext, policy: BoundPolicy): CommandConfinement {
  const phase = ctx.contract.workflows.get(policy.assignment.workflow)?.phases.get(policy.assignment.phase);
  return { network: phase?.sandboxNetwork === true, readOnlyFiles: ctx.session.lockedTests };
}

/** A sandboxed command's changes, reviewed and applied (or discarded) before the call answers. */
async function settle(ctx: SidecarContext, policy: BoundPolicy, call: CommandCall | undefined, pending: PendingChanges | undefined): Promise<ChangesResult | undefined> {
  if (pending === undefined) return undefined;
  if (call === undefined) {
    await pending.dispose();
    throw new PhasegateError('tool_failed', 'a sandboxed command ran without its call context', { detail: 'internal' });
  }
  return settleChanges(ctx, policy, call, pending);
}

/** The call being executed: a sandboxed command's changes are decided under it, and a test run is named by its audit record (id, seq). */
export interface ToolCallRef extends CommandCall {
  /** seq of the call's audit `call` record. */
  readonly seq: number;
}

/**
 * `decision` is allow or would_deny; its `path`/`argv` are the normalized values decide() produced.
 * `call` (audit id and claims) is what a sandboxed command's changes are decided and audited under.
 */
export async function executeTool(ctx: SidecarContext, policy: BoundPolicy, tool: string, args: Args, decision: Decision, call?: ToolCallRef): Promise<Executed> {
  const ws = ctx.workspace;
  const path = decision.path ?? '.';
  const recheck = realPathCheck(ctx, policy, tool);
  const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  switch (tool) {
    case 'read_file': {
      const r = await ws.readFile(path, recheck);
      return { value: r, result: { ok: true, bytes: r.bytes } };
    }
    case 'write_file': {
      const r = await ws.writeFile(path, args.content as string, recheck);
      noteChangedFile(ctx, path);
      return { value: r, result: { ok: true, bytes: r.bytes } };
    }
    case 'edit_file': {
      const r = await ws.editFile(path, args.old as string, args.new as string, recheck);
      noteChangedFile(ctx, path);
      return { value: r, result: { ok: true } };
    }
    case 'list_files':
      return { value: await ws.listFiles(path, optStr(args.pattern), recheck), result: { ok: true } };
    case 'search':
      return { value: await ws.search(args.query as string, path, optStr(args.pattern), recheck), result: { ok: true } };
    case 'delete_file': {
      const r = await ws.deleteFile(path, recheck);
      noteChangedFile(ctx, path);
      return { value: r, result: { ok: true } };
    }
    case 'run_command': {
      if (decision.argv === undefined) throw new PhasegateError('invalid_params', 'run_command needs argv or command');
      const timeoutMs = typeof args.timeout_ms === 'number' ? args.timeout_ms : undefined;
      const argv = decision.argv;
      const confine = confinement(ctx, policy);
      try {
        // Sidecar-wide: however many connections ask, at most limits.maxCommands run at once.
        const { pending, ...r } = await ctx.commands.run(() => ws.runCommand(argv, timeoutMs === undefined ? { cwd: path, confine } : { cwd: path, timeoutMs, confine }));
        const changes = await settle(ctx, policy, call, pending);
        const value = changes === undefined ? r : { ...r, changes };
        noteAppliedChanges(ctx, value);
        return { value, result: { ok: true, exit_code: r.exit_code } };
      } finally {
        // Unsandboxed, a command writes the real workspace behind the file tools' back: assume
        // it changed something, so no earlier green run survives it. Sandboxed, its changes are
        // applied through the workspace's confined write/delete, which count them.
        if (!ws.sandboxed) ws.noteExternalChange();
      }
    }
    case 'run_tests':
      return runTests(ctx, policy, call);
    default:
      throw new PhasegateError('tool_not_allowed', `unknown tool ${tool}`);
  }
}

/**
 * The contract's test command, never the agent's: its result is evidence for the gates,
 * recorded under the token's visit, the audit call that ran it, and the workspace revision
 * its result holds for. The run's own applied changes (snapshots, caches) are part of its
 * result (applied before the run is recorded); any other change during the run (a concurrent
 * write) leaves it at the revision it started from, i.e. already stale.
 */
async function runTests(ctx: SidecarContext, policy: BoundPolicy, call: ToolCallRef | undefined): Promise<Executed> {
  const tests = ctx.contract.workflows.get(policy.assignment.workflow)?.tests;
  if (tests === undefined) throw new PhasegateError('tool_failed', 'the workflow declares no test command', { detail: 'no tests.command in the contract' });
  let before = 0;
  const { pending, ...run } = await ctx.commands.run(() => {
    // Read once the run holds its slot: a change made while it waited is before it, not during it.
    before = ctx.workspace.revision();
    return ctx.workspace.runTests(tests.argv, { timeoutMs: tests.timeoutMs, confine: confinement(ctx, policy) });
  });
  const changes = await settle(ctx, policy, call, pending);
  const r = changes === undefined ? run : { ...run, changes };
  noteAppliedChanges(ctx, r);
  const after = ctx.workspace.revision();
  const own = changes?.applied.length ?? 0;
  const revision = after - before === own ? after : before;
  const { phase, epoch, visit } = policy.assignment;
  // A token without a visit (an older coordinator's) names no visit the run could count in.
  if (visit === undefined || call === undefined) return { value: r, result: { ok: true, exit_code: r.exit_code } };
  ctx.session.recordTestRun({
    id: call.id,
    audit_seq: call.seq,
    phase,
    epoch,
    visit,
    exit_code: r.exit_code,
    passed: r.passed,
    failed: r.failed,
    revision,
    at: new Date(ctx.now()).toISOString(),
  });
  return { value: r, result: { ok: true, exit_code: r.exit_code } };
}

/** A sandboxed command reports the files it changed that were applied to the workspace (SPEC §11). */
function noteAppliedChanges(ctx: SidecarContext, result: unknown): void {
  const applied = (result as { changes?: { applied?: unknown } }).changes?.applied;
  if (Array.isArray(applied)) for (const p of applied) if (typeof p === 'string') noteChangedFile(ctx, p);
}
