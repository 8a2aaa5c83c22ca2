/**
 * THE hot path: `tool.call` → claims (cache; verify only on a miss) → policy.decide → audit
 * `call` record → execute → audit `result` record. On a cache hit the decision is made
 * synchronously: no signature check, no I/O before it; the one await is the audit append.
 */
import { PhasegateError } from '../../core/errors.js';
import { verifyCached } from '../../core/tokens/index.js';
import type { PhaseClaims } from '../../core/tokens/types.js';
import type { BoundPolicy, Decision, ToolCall } from '../../core/policy/types.js';
import type { AuditEntry, AuditRecord } from '../audit/types.js';
import type { SidecarContext } from './context.js';
import { wireReasonOf } from './rpc-errors.js';
import { toolCallProblem } from './params.js';
import { refusal } from './refusal.js';
import { executeTool } from './tool-exec.js';
import { stateRefusal } from './token-check.js';

type Params = { readonly token?: unknown; readonly tool?: unknown; readonly args?: unknown };

function isParamsObject(params: unknown): params is Params {
  return typeof params === 'object' && params !== null && !Array.isArray(params);
}

/** Runs one tool call; resolves to the tool's result or rejects with a PhasegateError. */
export function toolCall(ctx: SidecarContext, params: unknown): Promise<unknown> {
  const callId = ctx.nextCallId();
  // Shape before state: a malformed call is invalid_params whatever the session is doing.
  const malformed = toolCallProblem(params);
  if (malformed !== undefined) return refuse(ctx, callId, isParamsObject(params) ? params : {}, refusal('invalid_params', malformed));
  const p = params as Params;
  const blocked = stateRefusal(ctx.session.state);
  if (blocked !== undefined) return refuse(ctx, callId, p, blocked);
  const token = p.token;
  if (typeof token !== 'string' || token.length === 0) return refuse(ctx, callId, p, refusal('token_missing', 'params.token is required'));
  const nowSec = Math.floor(ctx.now() / 1000);
  const hit = ctx.cache.get(token, nowSec);
  if (hit !== undefined) return decided(ctx, callId, p, hit, nowSec);
  return verifyCached(ctx.cache, ctx.verifier, token, nowSec).then(
    (claims) => {
      // Re-read after the verify await: the lease may have been lost or the task paused meanwhile.
      const late = stateRefusal(ctx.session.state);
      return late === undefined ? decided(ctx, callId, p, claims, nowSec) : refuse(ctx, callId, p, late);
    },
    (err: unknown) => refuse(ctx, callId, p, err instanceof PhasegateError ? err : new PhasegateError('token_invalid', 'token could not be verified')),
  );
}

/** Decides and records the call; a denial is answered without another await (the record is written synchronously). */
function decided(ctx: SidecarContext, callId: string, p: Params, claims: PhaseClaims, nowSec: number): Promise<unknown> {
  const policy = ctx.session.policy;
  if (policy === undefined) return refuse(ctx, callId, p, refusal('no_task', 'no task claimed'));
  const d = policy.decide(claims, p as ToolCall, nowSec);
  let record: AuditRecord;
  try {
    record = recordOrRefuse(ctx, callRecord(ctx, callId, p, d.decision, d.reason ?? null));
  } catch (err) {
    return Promise.reject(err);
  }
  if (d.decision === 'deny') {
    const reason = d.reason ?? 'tool_not_allowed';
    ctx.logger.info({ event: 'tool_call_denied', call_id: callId, tool: logName(p.tool), reason }, 'tool_call_denied');
    return Promise.reject(refusal(reason, d.message ?? reason, d.path === undefined ? undefined : { path: d.path }));
  }
  if (ctx.logger.isLevelEnabled('debug')) ctx.logger.debug({ event: 'tool_call_allowed', call_id: callId, tool: p.tool, decision: d.decision }, 'tool_call_allowed');
  return run(ctx, callId, record.seq, policy, p, d, claims, nowSec);
}

async function run(ctx: SidecarContext, callId: string, callSeq: number, policy: BoundPolicy, p: Params, d: Decision, claims: PhaseClaims, nowSec: number): Promise<unknown> {
  const tool = p.tool as string;
  const t0 = performance.now();
  try {
    const done = await executeTool(ctx, policy, tool, p.args as Readonly<Record<string, unknown>>, d, { id: callId, seq: callSeq, tool, claims, nowSec });
    appendResult(ctx, callId, policy, tool, done.result, t0);
    return done.value;
  } catch (err) {
    const failure = err instanceof PhasegateError ? err : new PhasegateError('tool_failed', 'tool failed', { detail: (err as Error).message });
    appendResult(ctx, callId, policy, tool, { ok: false, error: wireReasonOf(failure.code) }, t0);
    throw failure;
  }
}

/**
 * The tool name as logged: an agent controls it, and the log (and the progress line the
 * operator reads) must not carry 7 MiB of it. The audit record keeps its digest (SPEC §9).
 */
function logName(tool: unknown): unknown {
  return typeof tool === 'string' && tool.length > 128 ? `${tool.slice(0, 64)}… (${tool.length} chars)` : tool;
}

/** A refusal before any decision (no task, token problems, bad params): still audited, as SPEC §9 demands. */
function refuse(ctx: SidecarContext, callId: string, p: Params, err: PhasegateError): Promise<never> {
  try {
    recordOrRefuse(ctx, callRecord(ctx, callId, p, 'deny', wireReasonOf(err.code)));
  } catch (failure) {
    return Promise.reject(failure);
  }
  ctx.logger.info({ event: 'tool_call_denied', call_id: callId, tool: logName(p.tool), reason: err.code }, 'tool_call_denied');
  return Promise.reject(err);
}

function callRecord(ctx: SidecarContext, callId: string, p: Params, decision: Decision['decision'], reason: string | null): AuditEntry {
  const a = ctx.session.assignment;
  const tool = typeof p.tool === 'string' ? p.tool : null;
  return {
    type: 'call',
    call_id: callId,
    agent_id: ctx.agentId,
    task_id: a?.taskId ?? null,
    phase: a?.phase ?? null,
    tool,
    // Raw args: the audit writer redacts contents and secrets itself (one place, SPEC §9).
    args: p.args ?? null,
    decision,
    reason,
    result: null,
    duration_us: null,
  };
}

/** Fail closed: no record, no execution (the agent sees -32004). Returns the record written (its seq names a test run). */
function recordOrRefuse(ctx: SidecarContext, entry: AuditEntry): AuditRecord {
  try {
    return ctx.audit.appendNow(entry);
  } catch (err) {
    ctx.logger.error({ event: 'audit_append_failed', err: (err as Error).message }, 'audit_append_failed');
    throw new PhasegateError('audit_unavailable', 'the audit record could not be written; nothing was executed');
  }
}

/**
 * The tool already ran, so a lost `result` record cannot un-run it: we log loudly and still
 * answer; the chain stays verifiable (the `call` record shows the call was allowed).
 */
function appendResult(ctx: SidecarContext, callId: string, policy: BoundPolicy, tool: string, result: AuditEntry['result'], t0: number): void {
  const a = policy.assignment;
  const entry: AuditEntry = {
    type: 'result', call_id: callId, agent_id: ctx.agentId, task_id: a.taskId, phase: a.phase, tool,
    args: null, decision: null, reason: null, result, duration_us: Math.round((performance.now() - t0) * 1000),
  };
  try {
    ctx.audit.appendNow(entry);
  } catch (err) {
    ctx.logger.error({ event: 'audit_result_lost', call_id: callId, err: (err as Error).message }, 'audit_result_lost');
  }
}
