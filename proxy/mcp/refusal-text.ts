/**
 * The one place a refused or failed call becomes the text a model reads (SPEC §12): the
 * reason code, the rule that refused it, what this phase allows, and the next legal step.
 */
import type { PhaseRules } from './phase-rules.js';
import { allowsLine, nextSteps, protectedLine, toolRule, writesFiles } from './rules-text.js';

export interface Refusal {
  /** The stable wire reason (`path_not_permitted`, `tool_failed`, …) or a blocker's code. */
  readonly reason: string;
  readonly message: string;
  /** `data.detail` of a `tool_failed`. */
  readonly detail?: string;
  readonly path?: string;
  /** A refused transition's blockers. */
  readonly blockers?: readonly { code: string; message: string; path?: string }[];
}

const POLICY = new Set(['tool_forbidden', 'tool_not_allowed', 'path_outside_workspace', 'path_not_permitted', 'command_not_permitted', 'shell_operator']);

/** What the model should do about each family of reasons beyond "follow the phase's rules". */
function advice(reason: string): string | undefined {
  if (POLICY.has(reason)) return 'Nothing was executed. This is the workflow, not a bug to work around: use what this phase allows, or move the task to the phase that allows the work.';
  if (reason === 'tool_failed') return 'The call was allowed and executed, and failed; fix the arguments and try again.';
  if (reason === 'invalid_params') return 'Nothing was executed: the arguments do not match the tool\'s input schema.';
  if (reason === 'transition_blocked') return 'The task stays in this phase until every blocker is resolved.';
  if (reason === 'task_paused') return 'An operator paused the task: wait, then call workflow_status.';
  if (reason === 'lease_lost' || reason === 'no_task') return 'This agent no longer holds the task: stop working on it.';
  if (reason === 'audit_unavailable' || reason === 'sandbox_unavailable') return 'Nothing was executed; the operator must fix phasegate. Retrying will not help.';
  if (reason === 'coordinator_unavailable' || reason === 'connection_lost') return 'phasegate could not be reached; retry in a moment.';
  if (reason.startsWith('token_')) return 'The phase token is held by phasegate, not by you; call workflow_status and retry.';
  return undefined;
}

/** The parts of a refusal that depend only on the phase, rendered once per phase (denials are a hot path). */
const phaseTextCache = new WeakMap<PhaseRules, { protected: string; tail: string }>();

function phaseTexts(rules: PhaseRules): { protected: string; tail: string } {
  let texts = phaseTextCache.get(rules);
  if (texts === undefined) {
    const tail = [`This phase (${rules.phase}) allows: ${allowsLine(rules)}.`, ...nextSteps(rules).map((s) => `Next step: ${s}`)].join('\n');
    texts = { protected: protectedLine(rules), tail };
    phaseTextCache.set(rules, texts);
  }
  return texts;
}

export function renderRefusal(refusal: Refusal, context: { tool: string; rules: PhaseRules | undefined }): string {
  const { tool, rules } = context;
  const phase = rules?.phase ?? 'the current phase';
  const lines = [`Refused: ${refusal.reason} (${tool} in ${phase}): ${refusal.message}${refusal.detail === undefined ? '' : ` — ${refusal.detail}`}`];
  for (const b of refusal.blockers ?? []) lines.push(`- blocker ${b.code}: ${b.message}${b.path === undefined ? '' : ` (${b.path})`}`);
  if (rules !== undefined) {
    const rule = ruleFor(refusal.reason, tool, rules);
    if (rule !== undefined) lines.push(`Rule: ${rule}`);
    const phaseText = phaseTexts(rules);
    if (refusal.reason === 'path_not_permitted' && writesFiles(tool) && phaseText.protected !== '') lines.push(phaseText.protected);
    lines.push(phaseText.tail);
  }
  const tip = advice(refusal.reason);
  if (tip !== undefined) lines.push(tip);
  return lines.join('\n');
}

/** The contract rule behind a policy refusal, in words. */
function ruleFor(reason: string, tool: string, rules: PhaseRules): string | undefined {
  switch (reason) {
    case 'tool_forbidden':
      return `${tool} is forbidden in ${rules.phase}.`;
    case 'tool_not_allowed':
      return `${tool} is not among the tools ${rules.phase} allows.`;
    case 'path_outside_workspace':
      return 'paths are relative to the workspace root: no absolute paths, no `..` out of it, no symlinks that lead out.';
    case 'path_not_permitted':
    case 'command_not_permitted': {
      const rule = toolRule(rules, tool);
      return rule === '' ? undefined : `${tool} in ${rules.phase} allows ${rule}.`;
    }
    case 'shell_operator':
      return 'commands run without a shell: `; & | < > $ ( )`, backticks and newlines are refused; pass `argv` instead.';
    default:
      return undefined;
  }
}
