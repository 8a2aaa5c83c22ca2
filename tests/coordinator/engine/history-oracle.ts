/**
 * The history a task must show, rebuilt independently from the event log and the artifacts
 * the test sent: each `phase_transition_applied` event is one entry (from, to, at = event ts,
 * agent, approval, evidence and its digest, event_seq), the `task_spawned` events that follow
 * it name what it spawned. This is what the build that kept history inside the task record
 * wrote, field for field.
 */
import { canonicalSha256 } from '../../../core/contract/index.js';
import type { CoordEvent, HistoryEntry, PassedEvidence } from '../../../core/coordinator/types.js';

/** The fields of a task as SPEC §7 shows it: no more, no less. */
export const PUBLIC_TASK_KEYS = [
  'acceptance_criteria', 'artifacts', 'blockers', 'claim', 'created_at', 'depends_on', 'description', 'epoch', 'history', 'id',
  'parent_id', 'pending_approval_id', 'phase', 'phase_evidence', 'priority', 'required_capabilities', 'spawned', 'status', 'test_lock',
  'title', 'updated_at', 'visit', 'workflow',
];

/** `sent[i]`: the artifacts of the i-th transition of the task that was applied (for an approval: those of the parked request). */
export function expectedHistory(events: readonly CoordEvent[], taskId: string, sent: readonly Readonly<Record<string, unknown>>[]): HistoryEntry[] {
  const applied = events.filter((e) => e.task_id === taskId && e.type === 'phase_transition_applied');
  if (applied.length !== sent.length) throw new Error(`${applied.length} transitions applied, ${sent.length} sent`);
  return applied.map((e, i): HistoryEntry => {
    const d = e.data as { from: string; to: string; agent_id: string | null; approval_id?: string; evidence?: PassedEvidence; evidence_digest?: string };
    const until = applied[i + 1]?.seq ?? Number.POSITIVE_INFINITY;
    const spawned = events
      .filter((s) => s.type === 'task_spawned' && s.data.parent_id === taskId && s.seq > e.seq && s.seq < until)
      .map((s) => s.data.child_id as string);
    const artifacts = Object.fromEntries(Object.entries(sent[i] ?? {}).map(([name, value]) => [name, canonicalSha256(value)]));
    return {
      from: d.from,
      to: d.to,
      at: e.ts,
      agent_id: d.agent_id,
      artifacts,
      ...(d.approval_id === undefined ? {} : { approval_id: d.approval_id }),
      ...(spawned.length === 0 ? {} : { spawned }),
      event_seq: e.seq,
      ...(d.evidence === undefined ? {} : { evidence: d.evidence, evidence_digest: d.evidence_digest as string }),
    };
  });
}
