import type { ContractIssue } from './types.js';

/**
 * A contract that cannot be loaded. Carries every issue found (not just the first), so an
 * operator fixes the file in one pass. A local error: the coordinator refuses to start on it.
 */
export class ContractError extends Error {
  readonly code = 'contract_invalid' as const;
  readonly issues: readonly ContractIssue[];

  constructor(issues: readonly ContractIssue[]) {
    super(issues.map(formatIssue).join('\n') || 'invalid contract');
    this.name = 'ContractError';
    this.issues = issues;
  }
}

/** `FILE:LINE: message`, the format editors and CI annotate. */
export function formatIssue(issue: ContractIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}
