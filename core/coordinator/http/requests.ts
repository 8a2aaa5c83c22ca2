/** Typed request bodies of SPEC §7, checked field by field before the engine sees them. */
import type { Evidence, TestRunEvidence } from '../../gates/types.js';
import type { AuditCheckpoint, ClaimRequest, NewTask, TransitionRequest } from '../types.js';
import { int, objectBody, optArray, optInt, optObject, optStr, optStrArray, optStrRecord, str, type Json } from './body-fields.js';

const ID_MAX = 200;

export function parseNewTask(body: unknown): NewTask {
  const b = objectBody(body);
  const description = optStr(b, 'description', '', 100_000);
  const acceptance_criteria = optStrArray(b, 'acceptance_criteria');
  const depends_on = optStrArray(b, 'depends_on');
  const workflow = optStr(b, 'workflow', '', ID_MAX);
  const priority = optInt(b, 'priority', '', -1_000_000, 1_000_000);
  const required_capabilities = optStrArray(b, 'required_capabilities', '', 100);
  return {
    title: str(b, 'title', '', 1000),
    ...(description === undefined ? {} : { description }),
    ...(acceptance_criteria === undefined ? {} : { acceptance_criteria }),
    ...(depends_on === undefined ? {} : { depends_on }),
    ...(workflow === undefined ? {} : { workflow }),
    ...(priority === undefined ? {} : { priority }),
    ...(required_capabilities === undefined ? {} : { required_capabilities }),
  };
}

export function parseClaim(body: unknown): ClaimRequest {
  const b = objectBody(body);
  const agent_id = str(b, 'agent_id', '', ID_MAX);
  const capabilities = optStrArray(b, 'capabilities', '', 100);
  const task_id = optStr(b, 'task_id', '', ID_MAX);
  return { agent_id, ...(capabilities === undefined ? {} : { capabilities }), ...(task_id === undefined ? {} : { task_id }) };
}

export function parseTransition(body: unknown): TransitionRequest {
  const b = objectBody(body);
  return {
    current_phase: str(b, 'current_phase', '', ID_MAX),
    target_phase: str(b, 'target_phase', '', ID_MAX),
    phase_token: str(b, 'phase_token', '', 16_384),
    artifacts: optObject(b, 'artifacts') ?? {},
    evidence: parseEvidence(optObject(b, 'evidence')),
  };
}

/** The sidecar reports at most this many changed paths (it keeps the first ones). */
export const MAX_FILES_CHANGED = 1000;

/** Missing evidence means "the sidecar observed nothing": gates that need evidence then block. */
function parseEvidence(e: Json | undefined): Evidence {
  // workspace_revision -1 matches no run (revisions start at 0): absent evidence is stale evidence.
  if (e === undefined) return { test_runs: [], test_hashes: {}, test_links: [], workspace_revision: -1 };
  const runs = (optArray(e, 'test_runs', 'evidence') ?? []).map((r, i): TestRunEvidence => {
    const at = `evidence.test_runs[${i}]`;
    const run = objectBody(r, false, at);
    return {
      id: str(run, 'id', at, ID_MAX),
      audit_seq: int(run, 'audit_seq', at),
      phase: str(run, 'phase', at, ID_MAX),
      epoch: int(run, 'epoch', at),
      visit: int(run, 'visit', at),
      exit_code: int(run, 'exit_code', at, -(2 ** 31), 2 ** 31),
      passed: int(run, 'passed', at),
      failed: int(run, 'failed', at),
      revision: int(run, 'revision', at),
      at: str(run, 'at', at, 100),
    };
  });
  const head = optObject(e, 'audit_head', 'evidence');
  const audit_head = head === undefined ? undefined : { seq: int(head, 'seq', 'evidence.audit_head'), hash: str(head, 'hash', 'evidence.audit_head', 128) };
  const filesChanged = optStrArray(e, 'files_changed', 'evidence', MAX_FILES_CHANGED);
  return {
    test_runs: runs,
    test_hashes: optStrRecord(e, 'test_hashes', 'evidence') ?? {},
    test_links: optStrArray(e, 'test_links', 'evidence', 100_000) ?? [],
    workspace_revision: optInt(e, 'workspace_revision', 'evidence', 0) ?? -1,
    ...(audit_head === undefined ? {} : { audit_head }),
    ...(filesChanged === undefined ? {} : { files_changed: filesChanged }),
  };
}

/** `{agent_id}` for heartbeat and sidecar release. */
export function parseAgent(body: unknown): string {
  return str(objectBody(body), 'agent_id', '', ID_MAX);
}

export function parseToken(body: unknown): string {
  return str(objectBody(body), 'phase_token', '', 16_384);
}

export function parseCheckpoint(body: unknown): AuditCheckpoint {
  const b = objectBody(body);
  return {
    agent_id: str(b, 'agent_id', '', ID_MAX),
    task_id: b.task_id === null ? null : (optStr(b, 'task_id', '', ID_MAX) ?? null),
    seq: int(b, 'seq'),
    hash: str(b, 'hash', '', 128),
  };
}

/** Optional string field of an optional body (`{note?}`); `required` makes it mandatory. */
export function parseText(body: unknown, key: string, required: boolean): string | undefined {
  const b = objectBody(body, !required);
  return required ? str(b, key, '', 10_000) : optStr(b, key, '', 10_000);
}
