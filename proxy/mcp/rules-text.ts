/** The phase's rules in words a model can act on: shared by workflow_describe, workflow_status and refusals. */
import { CHECK_DESCRIPTIONS } from '../../core/contract/check-descriptions.js';
import type { CheckName } from '../../core/contract/types.js';
import type { PhaseRules, TransitionRule } from './phase-rules.js';

const quoted = (items: readonly string[]): string => items.map((i) => `\`${i}\``).join(', ');

/** `only paths matching `docs/plans/**``…, or '' when the tool is unconstrained. */
export function toolRule(rules: PhaseRules, tool: string): string {
  const c = rules.constraints[tool];
  const parts: string[] = [];
  if (c?.paths !== undefined) parts.push(c.paths.length === 0 ? 'no path at all' : `only paths matching ${quoted(c.paths)}`);
  if (c?.deny !== undefined && c.deny.length > 0) parts.push(`never paths matching ${quoted(c.deny)}`);
  if (c?.commands !== undefined) parts.push(c.commands.length === 0 ? 'no command at all' : `only the commands ${quoted(c.commands)}`);
  return parts.join('; ');
}

export function writesFiles(tool: string): boolean {
  return tool === 'write_file' || tool === 'edit_file' || tool === 'delete_file' || tool === 'run_command' || tool === 'run_tests';
}

/** The files no phase may change, or '' when the contract protects none. */
export function protectedLine(rules: PhaseRules): string {
  // `coordinator:contract` stands for the contract file the coordinator loaded, wherever it is.
  const globs = rules.protected.map((g) => (g === 'coordinator:contract' ? 'the contract file' : `\`${g}\``));
  return globs.length === 0 ? '' : `Protected in every phase (never written, edited or deleted): ${globs.join(', ')}.`;
}

/** One line: every tool the phase allows, each with its constraint. */
export function allowsLine(rules: PhaseRules): string {
  if (rules.allowed_tools.length === 0) return 'no file or shell tools (only the workflow_* tools)';
  return rules.allowed_tools
    .map((tool) => {
      const rule = toolRule(rules, tool);
      return rule === '' ? tool : `${tool} (${rule})`;
    })
    .join(', ');
}

/** What a transition requires, in one line. */
export function transitionNeeds(rules: PhaseRules, t: TransitionRule): string {
  const needs: string[] = [];
  for (const name of t.requires_artifacts) needs.push(`artifact \`${name}\`${artifactFields(rules, name)}`);
  for (const check of t.checks) needs.push(checkText(check));
  if (t.approval) needs.push('a human approval (the task waits in awaiting_approval until an operator decides)');
  return needs.length === 0 ? 'nothing: request it when ready' : needs.join('; ');
}

function artifactFields(rules: PhaseRules, name: string): string {
  const schema = rules.artifacts[name]?.schema;
  const required = schema?.required ?? [];
  if (required.length === 0) return '';
  const fields = required.map((f) => {
    const prop = schema?.properties?.[f] as { type?: unknown; enum?: unknown } | undefined;
    const kind = Array.isArray(prop?.enum) ? `one of ${prop.enum.map(String).join('|')}` : typeof prop?.type === 'string' ? prop.type : undefined;
    return kind === undefined ? f : `${f}: ${kind}`;
  });
  return ` {${fields.join(', ')}}`;
}

function checkText(check: string): string {
  const text = (CHECK_DESCRIPTIONS as Readonly<Record<string, string>>)[check as CheckName];
  return text === undefined ? `check \`${check}\`` : `${text} (\`${check}\`)`;
}

/** The ways out of the phase, one per line; a terminal phase has none. */
export function nextSteps(rules: PhaseRules): string[] {
  if (rules.transitions.length === 0) return [`${rules.phase} has no way out: the task ends here.`];
  return rules.transitions.map((t) => `workflow_transition to ${t.to} needs: ${transitionNeeds(rules, t)}.`);
}

/** workflow_describe: the whole phase as text. */
export function describeText(rules: PhaseRules): string {
  const lines = [`Phase ${rules.phase}${rules.description === '' ? '' : `: ${rules.description}`}`, '', `Allowed tools: ${allowsLine(rules)}.`];
  if (rules.forbidden_tools.length > 0) lines.push(`Forbidden: ${rules.forbidden_tools.join(', ')}. Any other tool is refused.`);
  if (rules.test_globs.length > 0) lines.push(`Test files: ${quoted(rules.test_globs)}.`);
  const prot = protectedLine(rules);
  if (prot !== '') lines.push(prot);
  if (rules.allowed_tools.includes('run_command')) lines.push('Commands run without a shell: `; & | < > $ ( )`, backticks and newlines are refused.');
  lines.push('', 'Ways out of this phase:', ...nextSteps(rules).map((s) => `- ${s}`));
  const schemas = Object.entries(rules.artifacts);
  if (schemas.length > 0) {
    lines.push('', 'Artifact schemas (JSON Schema):');
    for (const [name, a] of schemas) lines.push(`- ${name} (${a.schema_file}): ${JSON.stringify(a.schema)}`);
  }
  return lines.join('\n');
}
