/**
 * Binds one contract phase to one (task, agent) and decides tool calls against it.
 * Everything that can be computed once is computed here: templates, glob RegExps,
 * per-tool refusals. `decide` then does lookups, a few RegExp tests and nothing async.
 */
import type { CommandPattern, CompiledContract, EnforcementMode } from '../contract/types.js';
import type { PhaseClaims } from '../tokens/types.js';
import { matchCommand } from './command-pattern.js';
import * as D from './decisions.js';
import { alwaysProtected, type ProtectedCheck } from './always-protected.js';
import { bindTools, type BoundTool } from './bound-tools.js';
import { compileGlobs, type TemplateValues } from './glob-compile.js';
import { normalizeWorkspacePath } from './path-normalize.js';
import { splitCommand } from './shell-words.js';
import { isArgsObject } from './tool-args.js';
import type { Assignment, BoundPolicy, Decision, ToolCall } from './types.js';

/** Written by the sidecar and the coordinator; protected even if a contract forgets them. */
const ALWAYS_PROTECTED = ['.phasegate/**'];

const UNKNOWN_TOOL = D.deny('tool_not_allowed', 'unknown tool');

/*
 * `.phasegate/` holds the sidecar's audit log and, for an embedded coordinator, its LMDB
 * store: no tool may read, list or search it either (reading the store would show other
 * agents' artifacts; the audit log is the security team's, not the agent's).
 */
const PRIVATE_DIR = /^\.phasegate(?:\/|$)/i;
const PRIVATE = D.deny('path_not_permitted', 'path is private to phasegate: .phasegate/');

export interface BindOptions {
  /** Overrides the contract's enforcement mode (PHASEGATE_ENFORCEMENT). */
  readonly mode?: EnforcementMode;
  /**
   * Workspace-relative real paths of the loaded contract file (SPEC §8: protected under its
   * real path, whatever it is called). The sidecar computes them; `decide` stays pure.
   */
  readonly contractPaths?: readonly string[];
}

/** Binds the assignment's phase; throws TypeError for a workflow or phase the contract lacks. */
export function bindPolicy(contract: CompiledContract, assignment: Assignment, opts: BindOptions = {}): BoundPolicy {
  return new Policy(contract, assignment, opts.mode ?? contract.enforcement, alwaysProtected(opts.contractPaths));
}

class Policy implements BoundPolicy {
  readonly assignment: Assignment;
  private readonly strict: boolean;
  private readonly tools: ReadonlyMap<string, BoundTool>;
  private readonly protectedRe: RegExp | undefined;
  private readonly contractSha: string;

  constructor(
    contract: CompiledContract,
    a: Assignment,
    mode: EnforcementMode,
    private readonly fixedProtected: ProtectedCheck,
  ) {
    const workflow = contract.workflows.get(a.workflow);
    if (workflow === undefined) throw new TypeError(`bindPolicy: unknown workflow "${a.workflow}"`);
    const phase = workflow.phases.get(a.phase);
    if (phase === undefined) throw new TypeError(`bindPolicy: unknown phase "${a.phase}" in workflow "${a.workflow}"`);
    this.assignment = Object.freeze({ ...a });
    this.contractSha = contract.sha256;
    this.strict = mode !== 'permissive';
    const values: TemplateValues = { taskId: a.taskId, agentId: a.agentId };
    this.protectedRe = compileGlobs([...new Set([...contract.protectedGlobs, ...ALWAYS_PROTECTED])], values, true);
    this.tools = bindTools(phase, values);
  }

  /*
   * Permissive mode turns only *contract* refusals (tool_forbidden, tool_not_allowed,
   * path_not_permitted, command_not_permitted) into would_deny: it exists to try a contract
   * on real work. Token problems, path_outside_workspace, shell_operator, protected paths
   * and invalid_params stay hard denials in every mode: they are attacks or nonsense
   * (escaping the workspace, running a shell, rewriting the audit log or the contract),
   * not workflow friction, and no "try it out" setting may open them.
   */
  decide(claims: PhaseClaims, call: ToolCall, nowSec: number): Decision {
    const a = this.assignment;
    if (claims.task_id !== a.taskId || claims.sub !== a.agentId) return D.TOKEN_WRONG_TASK;
    if (!(claims.exp > nowSec)) return D.TOKEN_EXPIRED; // also refuses a NaN exp
    if (claims.phase !== a.phase || claims.epoch !== a.epoch) return D.TOKEN_SUPERSEDED;
    // A token of an earlier visit of the same phase (before a REVIEW → IMPL loop) is superseded too.
    if (a.visit !== undefined && claims.visit !== a.visit) return D.TOKEN_SUPERSEDED;
    // A token minted under another contract version grants nothing under this one.
    if (claims.contract !== this.contractSha) return D.TOKEN_SUPERSEDED;

    const name = call.tool;
    if (typeof name !== 'string') return D.TOOL_NAME_INVALID;
    const t = this.tools.get(name);
    // An unknown tool is refused even in permissive mode: there is nothing to execute.
    if (t === undefined) return UNKNOWN_TOOL;
    let soft = t.phaseDenial ?? (claims.allowed_tools.includes(name) ? undefined : t.tokenDenial);
    if (soft !== undefined && this.strict) return soft;

    const args = call.args;
    if (!isArgsObject(args)) return D.ARGS_NOT_OBJECT;
    const spec = t.spec;
    if (!spec.valid(args)) return t.invalid;

    let path: string | undefined;
    if (spec.pathKey !== undefined) {
      const n = normalizeWorkspacePath(args[spec.pathKey] ?? '.');
      if (!n.ok) return D.deny(n.reason, n.message);
      path = n.path;
      if (PRIVATE_DIR.test(path)) return PRIVATE;
      if (spec.writes) {
        const refusal = this.protectedRefusal(path);
        if (refusal !== undefined) return refusal;
      }
      if (soft === undefined) {
        soft = this.globRefusal(t, path);
        if (soft !== undefined && this.strict) return soft;
      }
    }

    let argv: readonly string[] | undefined;
    if (spec.name === 'run_command') {
      const command = args.command;
      if (typeof command === 'string') {
        const s = splitCommand(command);
        if (!s.ok) return D.deny('shell_operator', `unquoted shell operator ${s.operator}`, path);
        if (s.argv.length === 0) return D.EMPTY_COMMAND;
        argv = Object.freeze(s.argv);
      } else {
        argv = Object.freeze((args.argv as string[]).slice());
      }
      if (soft === undefined && t.commands !== undefined && !matchesAny(t.commands, argv)) {
        soft = D.deny('command_not_permitted', `command not permitted in phase ${a.phase}: ${argv.join(' ')} — allowed: ${t.allowedCommands}`, path, argv);
        if (this.strict) return soft;
      }
    }

    if (soft !== undefined) return D.wouldDeny(soft, path, argv);
    if (path === undefined) return D.ALLOW;
    return argv === undefined ? { decision: 'allow', path } : { decision: 'allow', path, argv };
  }

  checkRealPath(tool: string, realRelativePath: string): Decision {
    const t = this.tools.get(tool);
    if (t === undefined) return UNKNOWN_TOOL;
    const n = normalizeWorkspacePath(realRelativePath);
    if (!n.ok) return D.deny(n.reason, n.message);
    if (PRIVATE_DIR.test(n.path)) return PRIVATE;
    const fixed = t.spec.writes ? this.protectedRefusal(n.path) : undefined;
    if (fixed !== undefined) return fixed;
    const refusal = this.globRefusal(t, n.path);
    if (refusal === undefined) return { decision: 'allow', path: n.path };
    return this.strict ? refusal : D.wouldDeny(refusal, n.path, undefined);
  }

  /** Protected paths (always-protected ones, then the contract's globs): write tools only, a hard denial in every mode. */
  private protectedRefusal(path: string): Decision | undefined {
    const fixed = this.fixedProtected(path);
    if (fixed !== undefined) return D.deny('path_not_permitted', fixed, path);
    if (this.protectedRe !== undefined && this.protectedRe.test(path)) return D.deny('path_not_permitted', `path is protected: ${path}`, path);
    return undefined;
  }

  /** The phase's deny globs first, then its allow-list; a soft (contract) refusal. */
  private globRefusal(t: BoundTool, path: string): Decision | undefined {
    if (!t.spec.globbed) return undefined;
    if (t.deny?.test(path) === true) return D.deny('path_not_permitted', `path denied in phase ${this.assignment.phase}: ${path}`, path);
    if (t.allow !== undefined && !t.allow.test(path)) {
      return D.deny('path_not_permitted', `path not permitted in phase ${this.assignment.phase}: ${path} — allowed: ${t.allowedPaths}`, path);
    }
    return undefined;
  }
}

function matchesAny(patterns: readonly CommandPattern[], argv: readonly string[]): boolean {
  for (const p of patterns) if (matchCommand(p, argv)) return true;
  return false;
}
