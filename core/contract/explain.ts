import { CHECK_DESCRIPTIONS } from './check-descriptions.js';
import type { CompiledArtifact, CompiledContract, CompiledPhase, CompiledTransition, CompiledWorkflow } from './types.js';

export interface ExplainOptions {
  /** Only this workflow (default: every workflow, or those having `phase`). */
  readonly workflow?: string;
  /** Only this phase. */
  readonly phase?: string;
  /** How the agent sees a tool's name (e.g. `mcp__phasegate__read_file` for Claude Code); default: as is. */
  readonly toolName?: (tool: string) => string;
}

/**
 * The contract as plain instructions for an agent: per phase, what it is for, what may be
 * used and how, and what each way out requires. Throws RangeError for an unknown workflow
 * or phase.
 */
export function explainContract(contract: CompiledContract, opts: ExplainOptions = {}): string {
  const workflows = selectWorkflows(contract, opts);
  const modeLine =
    contract.enforcement === 'strict'
      ? 'Enforcement is strict: a call the contract does not allow is refused and nothing is executed.'
      : 'Enforcement is permissive: calls the contract does not allow still run, but are logged as violations (`would_deny`). Follow the contract anyway.';
  const lines = [
    modeLine,
    `Protected files (no phase may write, edit or delete them): ${code(contract.protectedGlobs)}.`,
  ];
  const name = opts.toolName ?? ((tool: string) => tool);
  for (const wf of workflows) lines.push('', ...explainWorkflow(wf, opts.phase, name));
  return lines.join('\n') + '\n';
}

function selectWorkflows(contract: CompiledContract, opts: ExplainOptions): CompiledWorkflow[] {
  let selected = [...contract.workflows.values()];
  if (opts.workflow !== undefined) {
    const wf = contract.workflows.get(opts.workflow);
    if (wf === undefined) throw new RangeError(`unknown workflow "${opts.workflow}" (contract has ${[...contract.workflows.keys()].join(', ')})`);
    selected = [wf];
  }
  if (opts.phase !== undefined) {
    selected = selected.filter((wf) => wf.phases.has(opts.phase as string));
    if (selected.length === 0) throw new RangeError(`unknown phase "${opts.phase}"`);
  }
  return selected;
}

function explainWorkflow(wf: CompiledWorkflow, only: string | undefined, name: (tool: string) => string): string[] {
  const terminal = [...wf.terminalPhases];
  const lines = [
    `# Workflow "${wf.name}"${wf.description === '' ? '' : `: ${wf.description}`}`,
    `Phases: ${[...wf.phases.keys()].join(', ')}. A task starts in ${wf.initialPhase} and is finished in ${terminal.join(' or ')}.`,
  ];
  if (wf.testGlobs.length > 0) lines.push(`Test files are the files matching ${code(wf.testGlobs)}.`);
  if (wf.testConfig.length > 0) lines.push(`Test configuration files (locked together with the tests) are the files matching ${code(wf.testConfig)}.`);
  if (wf.tests !== undefined) lines.push(`\`${name('run_tests')}\` runs \`${wf.tests.command}\` (time limit ${Math.round(wf.tests.timeoutMs / 1000)} s); its result is recorded as evidence for the gates.`);
  for (const phase of wf.phases.values()) {
    if (only !== undefined && phase.name !== only) continue;
    lines.push('', ...explainPhase(phase, name), ...wf.transitions.filter((t) => t.from === phase.name).flatMap((t) => explainTransition(t, wf)));
    if (wf.terminalPhases.has(phase.name)) lines.push('This phase ends the task: there is no way out of it.');
  }
  return lines;
}

function explainPhase(phase: CompiledPhase, name: (tool: string) => string): string[] {
  const lines = [`## Phase ${phase.name}`];
  if (phase.description !== '') lines.push(phase.description);
  lines.push(`You may use: ${phase.allowed.size === 0 ? 'no tools' : code([...phase.allowed].map(name))}.`);
  const forbidden = [...phase.forbidden].map(name);
  lines.push(`${forbidden.length > 0 ? `Forbidden: ${code(forbidden)}. ` : ''}Any other tool is refused.`);
  for (const [tool, c] of phase.constraints) {
    if (!phase.allowed.has(tool)) continue;
    const rules: string[] = [];
    if (c.paths !== undefined) rules.push(c.paths.length === 0 ? 'no path at all' : `only paths matching ${code(c.paths)}`);
    if (c.deny.length > 0) rules.push(`never paths matching ${code(c.deny)}`);
    if (c.commands !== undefined) rules.push(c.commands.length === 0 ? 'no command at all' : `only the commands ${code(c.commands.map((p) => p.source))} (\`*\` is any one argument, a final \`**\` any rest)`);
    if (rules.length > 0) lines.push(`- \`${name(tool)}\`: ${rules.join('; ')}.`);
  }
  if (phase.allowed.has('run_command')) lines.push('Commands run without a shell: `; & | < > $ ( )` and backticks are refused.');
  return lines;
}

function explainTransition(t: CompiledTransition, wf: CompiledWorkflow): string[] {
  const lines = [`To move from ${t.from} to ${t.to}${t.description === '' ? '' : ` (${t.description})`}:`];
  for (const name of t.requiresArtifacts) lines.push(`- submit the artifact \`${name}\`${artifactShape(wf.artifacts.get(name))}`);
  if (t.gate !== undefined && t.checks.length > 0) {
    lines.push(`- pass the gate \`${t.gate}\`, which checks that:`);
    for (const check of t.checks) lines.push(`  - ${CHECK_DESCRIPTIONS[check]} (\`${check}\`)`);
  }
  if (t.approval) lines.push('- a human must approve: the task waits in `awaiting_approval` until an operator decides');
  if (t.requiresArtifacts.length === 0 && t.checks.length === 0 && !t.approval) lines.push('- nothing: request it when ready');
  if (t.lockTests) lines.push(`- then the test files are locked: from ${t.to} on they may not change`);
  for (const s of t.spawn) lines.push(`- then ${s.count} task(s) "${s.title}" are spawned on workflow \`${s.workflow}\`${s.capabilities.length > 0 ? ` for agents with ${code(s.capabilities)}` : ''}`);
  return lines;
}

/** `(schema plan.schema.json; required: summary (string), …)`, from the schema itself. */
function artifactShape(artifact: CompiledArtifact | undefined): string {
  if (artifact === undefined) return '';
  const schema = artifact.schema as { required?: unknown; properties?: Record<string, { type?: unknown; enum?: unknown }> };
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const fields = required.map((f) => {
    const prop = schema.properties?.[f];
    const kind = Array.isArray(prop?.enum) ? `one of ${prop.enum.map(String).join('|')}` : typeof prop?.type === 'string' ? prop.type : undefined;
    return kind === undefined ? f : `${f} (${kind})`;
  });
  return ` (JSON object, schema ${artifact.schemaFile}${fields.length > 0 ? `; required: ${fields.join(', ')}` : ''})`;
}

function code(items: readonly string[]): string {
  return items.map((i) => `\`${i}\``).join(', ');
}
