/** Renders an evidence chain for the terminal. Agent-supplied text is escaped first (no control characters reach the operator). */
import type { EvidenceChain } from '../../core/coordinator/evidence-chain.js';
import { terminalText as printable } from './terminal-text.js';

const LABEL: Readonly<Record<string, string>> = {
  red_run: 'red run',
  test_lock: 'test lock',
  green_run: 'green run',
  review: 'review',
  approval: 'approval',
};

function seqs(eventSeq: number | null, auditSeq: number | null, agent: string | null): string {
  const parts = [eventSeq === null ? 'event -' : `event #${eventSeq}`];
  if (auditSeq !== null) parts.push(`audit seq ${auditSeq}${agent === null ? '' : ` (${agent})`}`);
  return parts.join(', ');
}

export function renderEvidenceChain(chain: EvidenceChain): string {
  const lines = [printable(`${chain.task_id}  ${chain.title}  [${chain.phase}, ${chain.status}] — evidence chain`)];
  if (chain.entries.length === 0) lines.push('  (no transition with recorded evidence)');
  for (const e of chain.entries) {
    const gate = e.gate === null ? 'no gate' : `gate ${e.gate}`;
    lines.push(printable(`  ${e.transition}  ${gate}  by ${e.agent_id ?? 'admin'}  ${e.event_seq === null ? '' : `event #${e.event_seq}  `}${e.at}`));
    lines.push(`    digest ${e.digest} ${e.digest_ok ? '(verified)' : '(MISMATCH)'}`);
    for (const l of e.links) lines.push(printable(`    ${(LABEL[l.kind] ?? l.kind).padEnd(10)} ${l.detail}  [${seqs(l.event_seq, l.audit_seq, l.agent_id)}]`));
  }
  if (chain.problems.length === 0) lines.push('  chain complete: red run → test lock → green run → review verdicts → approval');
  else for (const p of chain.problems) lines.push(printable(`  BROKEN: ${p}`));
  return lines.join('\n') + '\n';
}
