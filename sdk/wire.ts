/** Result shapes of the agent ⇄ sidecar protocol (SPEC §5), as the SDK returns them. */

export interface Blocker {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

export interface TaskSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly acceptance_criteria: readonly string[];
  readonly workflow: string;
  readonly [key: string]: unknown;
}

export interface ClaimResult {
  readonly task: TaskSummary;
  readonly phase: string;
  readonly token: string;
  readonly lease_expires_at: string;
}

export type TransitionResult =
  | { readonly allowed: true; readonly phase: string; readonly token: string }
  | { readonly allowed: false; readonly blockers: readonly Blocker[] }
  | { readonly allowed: false; readonly status: 'awaiting_approval'; readonly approval_id: string };

export interface StatusResult {
  readonly task: TaskSummary;
  readonly phase: string;
  readonly status: string;
  readonly history: readonly unknown[];
}

export interface SnapshotResult {
  readonly task_dependencies: Readonly<Record<string, readonly string[]>>;
  readonly completed_tasks: readonly string[];
  readonly blockers: readonly Blocker[];
}

export interface DescribeResult {
  readonly phase: string;
  readonly allowed_tools: readonly string[];
  readonly constraints: Readonly<Record<string, unknown>>;
  readonly transitions: readonly unknown[];
}

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

export type Notification =
  /** `token` is null when the new phase is terminal (the task completed and its claim ended). */
  | { readonly method: 'phase.changed'; readonly params: { phase: string; token: string | null } }
  | { readonly method: 'task.paused'; readonly params: { reason: string } }
  | { readonly method: 'task.resumed'; readonly params: Record<string, never> }
  | { readonly method: 'lease.lost'; readonly params: Record<string, never> }
  /** A human decided an approval of this task; `reason` is set on a rejection. */
  | { readonly method: 'approval.decided'; readonly params: { approval_id: string; decision: 'approved' | 'rejected'; reason: string | null } };
