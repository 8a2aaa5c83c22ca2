/** The built-in gate checks of SPEC §8: pure functions of a GateContext. */
import type { CheckName } from '../contract/types.js';
import { noBlockingIssues, reviewsComplete } from './review-checks.js';
import { testsUnchanged } from './test-lock-check.js';
import { testsFailing, testsPassing } from './test-run-checks.js';
import type { Blocker, GateContext } from './types.js';

type Check = (ctx: GateContext) => Blocker[];

function hasAcceptanceCriteria(ctx: GateContext): Blocker[] {
  const code = 'has_acceptance_criteria';
  const plan = Object.hasOwn(ctx.artifacts, 'plan') ? ctx.artifacts.plan : undefined;
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) {
    return [{ code, message: 'artifact "plan" is missing', path: 'plan' }];
  }
  const criteria = (plan as { acceptance_criteria?: unknown }).acceptance_criteria;
  const usable = Array.isArray(criteria) && criteria.some((c) => typeof c === 'string' && c.trim().length > 0);
  if (!usable) return [{ code, message: 'plan lists no acceptance criteria (need at least one non-empty string)', path: 'plan/acceptance_criteria' }];
  return [];
}

const CHECKS: ReadonlyMap<string, Check> = new Map<CheckName, Check>([
  ['has_acceptance_criteria', hasAcceptanceCriteria],
  ['tests_failing', testsFailing],
  ['tests_passing', testsPassing],
  ['no_blocking_issues', noBlockingIssues],
  ['reviews_complete', reviewsComplete],
  ['tests_unchanged', testsUnchanged],
]);

/**
 * Runs every listed check (each once) and returns all blockers; empty means the gate passes.
 * A check name we do not know blocks rather than passes: a gate must fail closed.
 */
export function runChecks(checks: readonly CheckName[], ctx: GateContext): Blocker[] {
  const blockers: Blocker[] = [];
  for (const name of new Set(checks)) {
    const check = CHECKS.get(name);
    if (check === undefined) blockers.push({ code: name, message: `unknown check "${name}"` });
    else blockers.push(...check(ctx));
  }
  return blockers;
}
