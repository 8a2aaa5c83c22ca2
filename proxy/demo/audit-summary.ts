import { queryAudit, verifyAudit } from '../audit/index.js';

/** One sidecar's audit log, counted and verified. */
export interface AuditSummary {
  readonly dir: string;
  readonly agentId: string;
  readonly allowed: number;
  readonly denied: number;
  readonly deniedByReason: Readonly<Record<string, number>>;
  /** The `phasegate audit verify` verdict: `ok N records`, or `FILE:LINE: problem`. */
  readonly verify: string;
  readonly verified: boolean;
}

/**
 * Counts the decisions of every tool call in the log and verifies its hash chain. Verification
 * runs first so the counts come from a log known to be intact.
 */
export async function summarizeAudit(dir: string, agentId: string): Promise<AuditSummary> {
  const result = await verifyAudit(dir);
  const verify = result.ok ? `ok ${result.records} records` : `${result.file}:${result.line}: ${result.problem} (${result.detail})`;
  let allowed = 0;
  let denied = 0;
  const deniedByReason: Record<string, number> = {};
  for await (const record of queryAudit(dir)) {
    if (record.type !== 'call') continue;
    if (record.decision === 'allow') allowed++;
    else if (record.decision === 'deny') {
      denied++;
      const reason = typeof record.reason === 'string' ? record.reason : 'unknown';
      deniedByReason[reason] = (deniedByReason[reason] ?? 0) + 1;
    }
  }
  return { dir, agentId, allowed, denied, deniedByReason, verify, verified: result.ok };
}
