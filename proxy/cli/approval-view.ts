/**
 * What an approver reads before deciding: the task, the artifacts' text (plan, completion…),
 * each review verdict, and the files the sidecar saw change. Used by `phasegate approvals
 * show` and by the approve / reject prompt of `phasegate run`. Every agent-written value
 * goes through terminal-text: artifacts are the agent's own words, and it controls every byte.
 */
import { stringify } from 'yaml';
import type { ApprovalDetails } from '../../core/coordinator/http/approval-details.js';
import type { ApprovalRecord, TaskRecord } from '../../core/coordinator/types.js';
import { terminalBlock, terminalText } from './terminal-text.js';

/** Artifacts in the order the work produced them; others after, by name. */
const ORDER = ['plan', 'tests', 'test_result', 'implementation', 'completion'];

export function approvalView(d: ApprovalDetails): string {
  const a = d.approval;
  const t = d.task;
  const lines = [
    `approval ${terminalText(a.id)}: task ${terminalText(a.task_id)}${t === null ? '' : ` "${terminalText(t.title)}"`}, ${terminalText(a.from)} → ${terminalText(a.to)}`,
    `  status:       ${a.status}${a.decided_by ? ` (by ${terminalText(a.decided_by)} at ${terminalText(a.decided_at)})` : ''}`,
    `  requested by: ${terminalText(a.requested_by)} at ${terminalText(a.requested_at)}`,
  ];
  if (a.reason !== null) lines.push(`  reason:       ${terminalText(a.reason)}`);
  if (a.note !== null) lines.push(`  note:         ${terminalText(a.note)}`);
  if (t !== null) {
    if (t.description !== '') lines.push(`  description:  ${terminalText(t.description)}`);
    for (const c of t.acceptance_criteria) lines.push(`  criterion:    ${terminalText(c)}`);
  }
  const names = Object.keys(d.artifacts).sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  for (const name of names) {
    lines.push('', `${terminalText(name)}:`, terminalBlock(yamlText(d.artifacts[name])));
  }
  for (const r of d.reviews) {
    lines.push('', `review ${terminalText(r.task_id)} (${terminalText(r.status)}${r.agent_id === null ? '' : `, by ${terminalText(r.agent_id)}`}):`);
    lines.push(r.review === null ? '    (no verdict yet)' : terminalBlock(yamlText(r.review)));
  }
  lines.push('', `files changed (as the sidecar recorded them): ${d.files_changed.length === 0 ? 'none' : ''}`);
  for (const f of d.files_changed) lines.push(`    ${terminalText(f)}`);
  return lines.join('\n') + '\n';
}

/** The pending-approvals table; `tasks` supplies the titles. */
export function approvalsTable(approvals: readonly ApprovalRecord[], tasks: readonly TaskRecord[]): string {
  if (approvals.length === 0) return 'no pending approvals\n';
  const title = new Map(tasks.map((t) => [t.id, t.title]));
  const rows = [['ID', 'TASK', 'TRANSITION', 'REQUESTED BY', 'AT', 'TITLE']];
  for (const a of approvals) {
    rows.push([a.id, a.task_id, `${a.from} → ${a.to}`, a.requested_by, a.requested_at, title.get(a.task_id) ?? ''].map(terminalText));
  }
  return table(rows);
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

function yamlText(value: unknown): string {
  if (value === null || value === undefined) return '(missing)';
  return stringify(value, { lineWidth: 100 }).trimEnd();
}
