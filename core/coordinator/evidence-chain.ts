/**
 * The evidence chain of a task, for `phasegate task show ID --evidence`: what passed each
 * gate, from the task's history, checked so a CI job can rely on it later — every entry's
 * digest recomputed, and the default workflow's order red run → test lock → green run (lock
 * held) → review verdicts (by non-authors) → approval. Pure: records in, chain out.
 */
import { canonicalSha256 } from '../contract/index.js';
import type { HistoryEntry, PassedEvidence, TaskRecord } from './types.js';

export type LinkKind = 'red_run' | 'test_lock' | 'green_run' | 'review' | 'approval';

export interface ChainLink {
  readonly kind: LinkKind;
  /** Coordinator event seq of the transition (or review completion / approval) this link came with. */
  readonly event_seq: number | null;
  /** The agent's sidecar audit seq (test run: its run_tests call; review: the reviewer's chain head). */
  readonly audit_seq: number | null;
  readonly agent_id: string | null;
  readonly detail: string;
  /** test_lock links: whether the lock was taken or held here, and its sha256. */
  readonly lock?: { readonly action: 'locked' | 'held'; readonly sha256: string };
}

export interface ChainEntry {
  readonly transition: string;
  readonly at: string;
  readonly event_seq: number | null;
  readonly gate: string | null;
  readonly agent_id: string | null;
  readonly digest: string;
  readonly digest_ok: boolean;
  readonly links: readonly ChainLink[];
}

export interface EvidenceChain {
  readonly task_id: string;
  readonly title: string;
  readonly phase: string;
  readonly status: string;
  readonly entries: readonly ChainEntry[];
  /** Why the chain does not prove the workflow was followed; empty when it does. */
  readonly problems: readonly string[];
}

function runDetail(run: NonNullable<PassedEvidence['test_run']>): string {
  return `${run.id}: exit ${run.exit_code}, ${run.passed} passed, ${run.failed} failed, at workspace revision ${run.revision} (${run.phase} visit ${run.visit}, ${run.at})`;
}

function linksOf(e: PassedEvidence, entry: HistoryEntry, children: (id: string) => TaskRecord | undefined): ChainLink[] {
  const links: ChainLink[] = [];
  const seq = entry.event_seq ?? null;
  if (e.test_run !== undefined) {
    const kind = e.checks.includes('tests_failing') ? 'red_run' : 'green_run';
    links.push({ kind, event_seq: seq, audit_seq: e.test_run.audit_seq, agent_id: e.agent_id, detail: runDetail(e.test_run) });
  }
  if (e.test_lock !== undefined) {
    const lock = { action: e.test_lock.action, sha256: e.test_lock.sha256 };
    links.push({ kind: 'test_lock', event_seq: seq, audit_seq: e.audit_head?.seq ?? null, agent_id: e.agent_id, detail: `${lock.action} ${e.test_lock.files} file(s), sha256 ${lock.sha256}`, lock });
  }
  for (const r of e.reviews ?? []) {
    const child = children(r.task_id);
    const done = child?.history.at(-1);
    links.push({
      kind: 'review',
      event_seq: r.event_seq,
      audit_seq: done?.evidence?.audit_head?.seq ?? null,
      agent_id: r.agent_id,
      detail: `${r.task_id} by ${r.agent_id ?? 'nobody'}: ${r.verdict ?? 'no verdict'}, ${r.blocking} blocking issue(s), review sha256 ${r.review ?? '-'}`,
    });
  }
  if (e.approval !== undefined) {
    const a = e.approval;
    links.push({ kind: 'approval', event_seq: a.event_seq, audit_seq: null, agent_id: a.decided_by, detail: `${a.id} approved by ${a.decided_by ?? 'an admin'} at ${a.decided_at}` });
  }
  return links;
}

/** Checks the default workflow's order on the links, first to last. */
function orderProblems(entries: readonly ChainEntry[], authors: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const all = entries.flatMap((e) => e.links);
  const first = (kind: LinkKind, after = -1) => all.findIndex((l, i) => i > after && l.kind === kind);
  const red = first('red_run');
  const lock = all.findIndex((l) => l.lock?.action === 'locked');
  const green = first('green_run', Math.max(red, lock));
  const review = first('review', green);
  const approval = first('approval', review);
  if (red === -1) problems.push('no red run (tests_failing) in the chain');
  if (lock === -1) problems.push('no test lock was taken');
  else if (red > lock) problems.push('the test lock was taken before the red run');
  if (green === -1) problems.push('no green run (tests_passing) after the red run and the lock');
  if (review === -1) problems.push('no review verdict after the green run');
  if (approval === -1) problems.push('no approval after the review');
  const locked = all[lock]?.lock?.sha256;
  for (const l of all) {
    if (l.lock?.action === 'held' && l.lock.sha256 !== locked) problems.push(`a later gate held a different test lock (${l.detail})`);
    if (l.kind === 'review' && (l.agent_id === null || authors.has(l.agent_id))) problems.push(`review not independent: ${l.detail}`);
  }
  return problems;
}

export function buildEvidenceChain(task: TaskRecord, children: (id: string) => TaskRecord | undefined): EvidenceChain {
  const entries: ChainEntry[] = [];
  const problems: string[] = [];
  for (const h of task.history) {
    if (h.evidence === undefined) continue;
    const digest = h.evidence_digest ?? '';
    const ok = canonicalSha256(h.evidence) === digest;
    const transition = `${h.from ?? '(new)'} → ${h.to}`;
    if (!ok) problems.push(`evidence of ${transition} does not match its digest ${digest}`);
    entries.push({ transition, at: h.at, event_seq: h.event_seq ?? null, gate: h.evidence.gate, agent_id: h.agent_id, digest, digest_ok: ok, links: linksOf(h.evidence, h, children) });
  }
  const authors = new Set(task.history.map((h) => h.agent_id).filter((a): a is string => a !== null));
  problems.push(...orderProblems(entries, authors));
  return { task_id: task.id, title: task.title, phase: task.phase, status: task.status, entries, problems };
}
