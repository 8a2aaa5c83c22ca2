/**
 * Follows the coordinator's event stream (WS /api/v1/events/stream?since=SEQ) and applies the
 * events about this sidecar's task: approvals landing, pauses, lease loss. Reconnects with
 * backoff and resumes after the last seq seen, so an outage loses no event.
 */
import WebSocket from 'ws';
import type { CoordEvent } from '../../core/coordinator/types.js';
import type { SidecarContext } from './context.js';
import { appendQuietly, sessionEntry } from './audit-entries.js';
import { loseLease } from './lease.js';
import { syncPhase } from './phase-sync.js';

export interface EventFollower {
  close(): void;
}

export interface FollowOptions {
  coordinatorUrl: string;
  sidecarKey: string;
  /** Follow from after this seq (the coordinator's head at start: older events are history). */
  since?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export function followCoordinatorEvents(ctx: SidecarContext, opts: FollowOptions): EventFollower {
  const { minBackoffMs = 100, maxBackoffMs = 2_000 } = opts;
  const streamUrl = opts.coordinatorUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + '/api/v1/events/stream';
  let lastSeq = opts.since ?? 0;
  let attempt = 0;
  let closed = false;
  let ws: WebSocket | undefined;
  let retry: NodeJS.Timeout | undefined;
  /** Seq and epoch of this agent's latest claim: older events of the task are history, not news. */
  let ourClaim: { taskId: string; epoch: number; seq: number } | undefined;

  const connect = (): void => {
    const socket = new WebSocket(`${streamUrl}?since=${lastSeq}`, { headers: { authorization: `Bearer ${opts.sidecarKey}` } });
    ws = socket;
    socket.on('open', () => {
      attempt = 0;
      ctx.logger.debug({ event: 'event_stream_connected', since: lastSeq }, 'event_stream_connected');
    });
    socket.on('message', (data) => {
      let e: CoordEvent;
      try {
        e = JSON.parse(String(data)) as CoordEvent;
      } catch {
        return;
      }
      if (typeof e.seq !== 'number' || e.seq <= lastSeq) return;
      lastSeq = e.seq;
      apply(e);
    });
    socket.on('error', (err) => ctx.logger.debug({ event: 'event_stream_error', err: err.message }, 'event_stream_error'));
    socket.on('close', () => {
      if (closed) return;
      // Exponential backoff with jitter: a restarting coordinator is not stampeded by its sidecars.
      const delay = Math.min(maxBackoffMs, minBackoffMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt = Math.min(attempt + 1, 16);
      retry = setTimeout(connect, delay);
      retry.unref();
    });
  };

  const apply = (e: CoordEvent): void => {
    const d = e.data;
    if (e.type === 'task_claimed' && d.agent_id === ctx.agentId && e.task_id !== null) {
      ourClaim = { taskId: e.task_id, epoch: Number(d.epoch), seq: e.seq };
    }
    const s = ctx.session;
    const a = s.assignment;
    if (a === undefined || e.task_id !== a.taskId || (s.state !== 'active' && s.state !== 'paused')) return;
    if (ourClaim === undefined || ourClaim.taskId !== a.taskId || ourClaim.epoch !== a.epoch || e.seq <= ourClaim.seq) return;
    switch (e.type) {
      case 'phase_transition_applied':
        if (d.epoch === a.epoch && d.to !== a.phase) {
          const approvalId = typeof d.approval_id === 'string' ? d.approval_id : undefined;
          syncPhase(ctx, String(d.to), approvalId).catch((err: Error) => ctx.logger.warn({ event: 'phase_sync_failed', err: err.message }, 'phase_sync_failed'));
        }
        return;
      case 'approval_decided':
        announceDecision(ctx, d);
        return;
      case 'task_paused': {
        if (s.state !== 'active') return;
        const reason = typeof d.reason === 'string' ? d.reason : 'paused';
        s.pause();
        ctx.notify({ method: 'task.paused', params: { reason } });
        return;
      }
      case 'task_resumed':
        if (s.state !== 'paused') return;
        s.resume();
        ctx.notify({ method: 'task.resumed', params: {} });
        return;
      case 'task_released':
      case 'task_cancelled':
      case 'lease_expired':
      case 'task_claimed':
        if (typeof d.epoch === 'number' && d.epoch > a.epoch) loseLease(ctx, e.type);
        return;
      default:
        return;
    }
  };

  connect();
  return {
    close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      ws?.terminate();
    },
  };
}

/**
 * Tells the agent a human decided (`approval.decided`). A rejection is also written to the
 * agent's audit log with its reason and who decided: the agent's own record of why it stays.
 */
function announceDecision(ctx: SidecarContext, d: Readonly<Record<string, unknown>>): void {
  const approvalId = typeof d.approval_id === 'string' ? d.approval_id : '';
  const rejected = d.decision === 'rejected';
  const reason = rejected && typeof d.reason === 'string' ? d.reason : null;
  if (rejected) {
    ctx.session.setStatus('claimed');
    const decidedBy = typeof d.decided_by === 'string' ? d.decided_by : null;
    void appendQuietly(ctx, sessionEntry(ctx, 'approval_rejected', { approval_id: approvalId, reason, decided_by: decidedBy }));
    ctx.logger.info({ event: 'approval_rejected', approval_id: approvalId, reason }, 'approval_rejected');
  }
  ctx.notify({ method: 'approval.decided', params: { approval_id: approvalId, decision: rejected ? 'rejected' : 'approved', reason } });
}
