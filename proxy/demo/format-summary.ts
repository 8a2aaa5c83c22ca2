import { renderEvidenceChain } from '../cli/evidence-render.js';
import type { DemoSummary } from './demo-run.js';

/** The human-readable summary `phasegate demo` prints on stdout. */
export function formatSummary(s: DemoSummary): string {
  const lines: string[] = [`phasegate demo: ${s.ok ? 'OK' : 'FAILED'} in ${s.seconds.toFixed(1)} s`, ''];
  for (const t of s.tasks) {
    lines.push(`task ${t.id} "${t.title}" (workflow ${t.workflow}, ${t.status})`);
    lines.push(`  phases walked: ${t.phases.join(' → ')}`);
    for (const g of t.gates) lines.push(`  gate passed:   ${g.from} → ${g.to}  ${g.gate} [${g.checks.join(', ')}]`);
    for (const a of t.approvals) lines.push(`  approval:      ${a}: auto-approved by the demo (a human decides this in real use)`);
  }
  if (s.evidence !== undefined) lines.push('', `the evidence chain (phasegate task show ${s.evidence.task_id} --evidence):`, renderEvidenceChain(s.evidence).trimEnd());
  lines.push('');
  for (const a of s.audits) {
    lines.push(`agent ${a.agentId} (exit ${s.exitCodes[a.agentId] ?? '?'}): ${a.allowed} calls allowed, ${a.denied} denied`);
    const reasons = Object.entries(a.deniedByReason).sort(([x], [y]) => x.localeCompare(y));
    for (const [reason, n] of reasons) lines.push(`  denied ${reason}: ${n}`);
    lines.push(`  audit verify ${s.kept ? a.dir : `audit/${a.agentId}`}: ${a.verify}`);
  }
  lines.push('', s.kept ? `files kept in ${s.root}` : 'temp directory removed (--keep keeps the workspace, coordinator data and audit logs)');
  return lines.join('\n') + '\n';
}
