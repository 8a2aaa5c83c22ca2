import type { PolicyReason, TokenReason } from '../errors.js';
import type { PhaseClaims } from '../tokens/types.js';

/** Who the sidecar serves and where its task is now (kept current from coordinator events). */
export interface Assignment {
  readonly agentId: string;
  readonly taskId: string;
  readonly workflow: string;
  readonly phase: string;
  readonly epoch: number;
  /** The phase visit the token grants (its `visit` claim); evidence is recorded under it. */
  readonly visit?: number;
}

export interface ToolCall {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export type DecisionKind = 'allow' | 'deny' | 'would_deny';

export interface Decision {
  readonly decision: DecisionKind;
  /** Set for deny and would_deny. */
  readonly reason?: TokenReason | PolicyReason | 'invalid_params';
  readonly message?: string;
  /** The normalized workspace-relative path the tool will touch (path tools). */
  readonly path?: string;
  /** The argv a run_command will spawn (split once here, reused by the executor). */
  readonly argv?: readonly string[];
}

/**
 * A contract phase bound to one (task, agent): templates expanded, globs compiled to
 * RegExps, command patterns ready. Built once per claim/phase, then `decide` is pure.
 */
export interface BoundPolicy {
  readonly assignment: Assignment;
  /** claims + call → decision. Pure: no I/O, no async, no clock except `nowSec`. */
  decide(claims: PhaseClaims, call: ToolCall, nowSec: number): Decision;
  /**
   * Re-checks a resolved real path (after symlink resolution by the sidecar) against the
   * phase's globs and protected paths for `tool`. The seam for symlink-aware confinement.
   */
  checkRealPath(tool: string, realRelativePath: string): Decision;
}
