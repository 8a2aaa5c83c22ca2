import type { DecisionKind } from '../../core/policy/types.js';

/** One line of tool_audit.jsonl (SPEC §9). */
export interface AuditRecord {
  readonly seq: number;
  readonly ts: string;
  readonly type: 'call' | 'result' | 'change' | 'transition' | 'session';
  readonly call_id: string | null;
  readonly agent_id: string;
  readonly task_id: string | null;
  readonly phase: string | null;
  readonly tool: string | null;
  readonly args: unknown;
  readonly decision: DecisionKind | null;
  readonly reason: string | null;
  readonly result: { ok: boolean; exit_code?: number; bytes?: number; error?: string } | null;
  readonly duration_us: number | null;
  readonly prev: string;
  readonly hash: string;
}

/** What a caller supplies; the log adds seq, ts, prev and hash. */
export type AuditEntry = Omit<AuditRecord, 'seq' | 'ts' | 'prev' | 'hash'>;

export interface AuditLog {
  /**
   * Appends one record durably enough to survive a process crash (written to the fd before
   * resolving). Appends are serialized in call order. Rejects with
   * PhasegateError('audit_unavailable') if the record cannot be written.
   */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** The current chain head: last seq and hash (seq 0 / 64 zeros when empty). */
  head(): { seq: number; hash: string };
  close(): Promise<void>;
}
