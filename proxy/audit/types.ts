import type { DecisionKind } from '../../core/policy/types.js';

/** A string field over 4 KiB as the log stores it (SPEC §9): its sha256 and length. */
export interface AuditDigest {
  readonly sha256: string;
  readonly bytes: number;
}

/** One line of tool_audit.jsonl (SPEC §9). String fields over 4 KiB are stored as AuditDigest. */
export interface AuditRecord {
  readonly seq: number;
  readonly ts: string;
  readonly type: 'call' | 'result' | 'change' | 'transition' | 'session';
  readonly call_id: string | AuditDigest | null;
  readonly agent_id: string | AuditDigest;
  readonly task_id: string | AuditDigest | null;
  readonly phase: string | AuditDigest | null;
  readonly tool: string | AuditDigest | null;
  readonly args: unknown;
  readonly decision: DecisionKind | null;
  readonly reason: string | AuditDigest | null;
  readonly result: { ok: boolean; exit_code?: number; bytes?: number; error?: string | AuditDigest } | null;
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
  /**
   * The same append, synchronously: returns the sealed record once it is written, or throws
   * PhasegateError('audit_unavailable'). For the per-call hot path, where each promise layer
   * is a measurable share of a ~40 µs denied call.
   */
  appendNow(entry: AuditEntry): AuditRecord;
  /** The current chain head: last seq and hash (seq 0 / 64 zeros when empty). */
  head(): { seq: number; hash: string };
  close(): Promise<void>;
}
