/** The coordinator's JSON shapes the dashboard reads (SPEC §7); only the fields it uses. */
export interface HistoryEntry {
  readonly from: string | null;
  readonly to: string;
  readonly at: string;
  readonly agent_id: string | null;
  readonly artifacts: Readonly<Record<string, string>>;
  readonly approval_id?: string;
  readonly spawned?: readonly string[];
  readonly evidence?: unknown;
}

export interface Blocker {
  readonly code?: string;
  readonly check?: string;
  readonly message?: string;
}

export interface Task {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly acceptance_criteria: readonly string[];
  readonly workflow: string;
  readonly parent_id: string | null;
  readonly spawned: readonly string[];
  readonly phase: string;
  readonly status: string;
  readonly claim: { readonly agent_id: string; readonly lease_expires_at: string } | null;
  readonly history: readonly HistoryEntry[];
  readonly artifacts: Readonly<Record<string, string>>;
  readonly blockers: readonly Blocker[];
  readonly pending_approval_id: string | null;
  readonly updated_at: string;
}

export interface Approval {
  readonly id: string;
  readonly task_id: string;
  readonly from: string;
  readonly to: string;
  readonly status: string;
  readonly requested_at: string;
  readonly requested_by: string;
  readonly artifacts: Readonly<Record<string, string>>;
  readonly decided_at: string | null;
  readonly decided_by?: string | null;
  readonly note: string | null;
  readonly reason: string | null;
}

export interface CoordEvent {
  readonly seq: number;
  readonly ts: string;
  readonly type: string;
  readonly task_id: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Denial {
  readonly id: number;
  readonly ts: string;
  readonly received_at: string;
  readonly agent_id: string;
  readonly task_id: string | null;
  readonly phase: string | null;
  readonly tool: string | null;
  readonly path: string | null;
  readonly reason: string;
}

export interface Checkpoint {
  readonly agent_id: string;
  readonly task_id: string | null;
  readonly seq: number;
  readonly hash: string;
}
