/** Evidence the sidecar observed itself and sends with each transition (never the agent's word). */
export interface TestRunEvidence {
  readonly phase: string;
  readonly epoch: number;
  readonly exit_code: number;
  readonly passed: number;
  readonly failed: number;
  readonly at: string;
}

export interface Evidence {
  /** run_tests results recorded by the sidecar, oldest first. */
  readonly test_runs: readonly TestRunEvidence[];
  /** sha256 of every file matched by the workflow's test_globs, at the time of the transition request. */
  readonly test_hashes: Readonly<Record<string, string>>;
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
}

/** Everything a gate check may look at. Pure data. */
export interface GateContext {
  /** The phase being left. */
  readonly phase: string;
  readonly epoch: number;
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly evidence: Evidence;
  /** Test-file hashes locked by a `lock_tests` trigger earlier in this task, if any. */
  readonly testLock: Readonly<Record<string, string>> | undefined;
  readonly spawnedReviews: readonly SpawnedReview[];
}
