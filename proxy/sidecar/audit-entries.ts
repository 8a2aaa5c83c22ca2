/** The non-tool audit records the sidecar writes: `session` (start, claim, lease loss, stop) and `transition`. */
import type { AuditEntry } from '../audit/types.js';
import type { SidecarContext } from './context.js';

function base(ctx: SidecarContext): Pick<AuditEntry, 'agent_id' | 'task_id' | 'phase'> {
  const a = ctx.session.assignment;
  return { agent_id: ctx.agentId, task_id: a?.taskId ?? null, phase: a?.phase ?? null };
}

/** `reason` names the session event: sidecar_started, task_claimed, lease_lost, sidecar_stopped. */
export function sessionEntry(ctx: SidecarContext, reason: string, args: Record<string, unknown> | null = null): AuditEntry {
  return { ...base(ctx), type: 'session', call_id: null, tool: null, args, decision: null, reason, result: null, duration_us: null };
}

/**
 * One record per transition request, written after the coordinator answered: `phase` is the
 * phase left (or kept), `reason` is applied | awaiting_approval | blocked | approved.
 */
export function transitionEntry(
  ctx: SidecarContext,
  from: string,
  to: string,
  reason: 'applied' | 'awaiting_approval' | 'blocked' | 'approved',
  extra: Record<string, unknown> = {},
): AuditEntry {
  return {
    ...base(ctx),
    phase: from,
    type: 'transition',
    call_id: null,
    tool: null,
    args: { from, to, ...extra },
    decision: null,
    reason,
    result: { ok: reason === 'applied' || reason === 'approved' },
    duration_us: null,
  };
}

/** Appends without failing the caller: for records about things that already happened elsewhere. */
export async function appendQuietly(ctx: SidecarContext, entry: AuditEntry): Promise<void> {
  try {
    await ctx.audit.append(entry);
  } catch (err) {
    ctx.logger.error({ event: 'audit_append_failed', type: entry.type, err: (err as Error).message }, 'audit_append_failed');
  }
}
