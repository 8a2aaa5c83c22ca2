/** Evidence the sidecar observed itself and sends with each transition (never the agent's word). */
export interface TestRunEvidence {
  /** The audit `call_id` of the run_tests call that produced this run. */
  readonly id: string;
  /** `seq` of that call's record in the sidecar's audit log (a CI job can find the run there). */
  readonly audit_seq: number;
  readonly phase: string;
  readonly epoch: number;
  /**
   * The visit of `phase` the run belongs to: the task's `visit` counter (transitions applied
   * so far) when the phase was entered, from the signed phase token. A run of an earlier
   * visit of the same phase (before a REVIEW → IMPL loop) never counts again.
   */
  readonly visit: number;
  readonly exit_code: number;
  readonly passed: number;
  readonly failed: number;
  /** The workspace revision the run's result holds for (see proxy/tools/workspace-revision.ts). */
  readonly revision: number;
  readonly at: string;
}

export interface Evidence {
  /** run_tests results recorded by the sidecar, oldest first. */
  readonly test_runs: readonly TestRunEvidence[];
  /** sha256 of every file matched by test_globs or test_config, at the time of the transition request. */
  readonly test_hashes: Readonly<Record<string, string>>;
  /** Files matched by test_globs or test_config that are symlinks (never hashed; each one blocks the lock). */
  readonly test_links: readonly string[];
  /** The workspace revision when this evidence was gathered: a run recorded at another revision is stale. */
  readonly workspace_revision: number;
  /** Head of the sidecar's audit chain (checkpoint). */
  readonly audit_head?: { readonly seq: number; readonly hash: string };
  /** Workspace paths this sidecar wrote, edited or deleted for the task (shown to the approver; no gate reads it). */
  readonly files_changed?: readonly string[];
}

/** Why a transition is blocked. `code` is the failed check name or one of the artifact/transition codes. */
export interface Blocker {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

export interface SpawnedReview {
  readonly id: string;
  readonly status: string;
  /** The review task's `review` artifact, if it submitted one. */
  readonly review: unknown;
  /** The agent whose transition completed the review task (null while it is not completed). */
  readonly completed_by: string | null;
}

/** Everything a gate check may look at. Pure data. */
export interface GateContext {
  /** The phase being left. */
  readonly phase: string;
  readonly epoch: number;
  /** The current visit of `phase` (the task's transition counter when it was entered). */
  readonly visit: number;
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly evidence: Evidence;
  /** Test-file hashes locked by a `lock_tests` trigger earlier in this task, if any. */
  readonly testLock: Readonly<Record<string, string>> | undefined;
  readonly spawnedReviews: readonly SpawnedReview[];
  /** Every agent that held or moved the task: none of them may be its reviewer. */
  readonly authors: ReadonlySet<string>;
}
