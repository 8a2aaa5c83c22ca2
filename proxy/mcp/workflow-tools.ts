/** workflow_status, workflow_transition and workflow_describe: the task's workflow as tools. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AgentClient } from '../../sdk/index.js';
import { refusalOf, textResult } from './call-results.js';
import type { PhaseRules } from './phase-rules.js';
import { renderRefusal } from './refusal-text.js';
import { allowsLine, describeText, nextSteps } from './rules-text.js';
import type { WorkflowTool } from './tool-catalog.js';

export interface WorkflowContext {
  readonly client: AgentClient;
  rules(): Promise<PhaseRules | undefined>;
}

export async function callWorkflowTool(ctx: WorkflowContext, tool: WorkflowTool, args: Record<string, unknown>): Promise<CallToolResult> {
  if (tool === 'workflow_describe') {
    const rules = await ctx.rules();
    return rules === undefined ? textResult(renderRefusal({ reason: 'no_task', message: 'the sidecar holds no task for this agent' }, { tool, rules }), true) : textResult(describeText(rules));
  }
  if (tool === 'workflow_status') return status(ctx);
  return transition(ctx, args);
}

async function status(ctx: WorkflowContext): Promise<CallToolResult> {
  const [s, rules] = await Promise.all([ctx.client.status(), ctx.rules()]);
  // Blockers of the last refused transition, when the coordinator kept them.
  const blockers = await ctx.client.snapshot().then((snap) => snap.blockers, () => []);
  const task = s.task;
  const lines = [
    `Task ${task.id}: ${task.title}`,
    `Phase: ${s.phase} · status: ${s.status}`,
    ...(task.acceptance_criteria.length > 0 ? ['Acceptance criteria:', ...task.acceptance_criteria.map((c) => `- ${c}`)] : []),
  ];
  if (s.status === 'awaiting_approval') lines.push('A human approval is pending: wait; the tool list changes when the operator decides.');
  if (rules !== undefined) {
    lines.push(`This phase allows: ${allowsLine(rules)}.`, 'Ways out of this phase:', ...nextSteps(rules).map((n) => `- ${n}`));
  }
  if (blockers.length > 0) lines.push('Last refused transition:', ...blockers.map((b) => `- ${b.code}: ${b.message}`));
  return textResult(lines.join('\n'));
}

async function transition(ctx: WorkflowContext, args: Record<string, unknown>): Promise<CallToolResult> {
  const tool = 'workflow_transition';
  const target = args.target_phase;
  const artifacts = args.artifacts ?? {};
  if (typeof target !== 'string' || target === '' || typeof artifacts !== 'object' || artifacts === null || Array.isArray(artifacts)) {
    const message = 'expected {target_phase: string, artifacts?: {name: object}}';
    return textResult(renderRefusal({ reason: 'invalid_params', message }, { tool, rules: await ctx.rules() }), true);
  }
  const from = ctx.client.phase;
  let result;
  try {
    result = await ctx.client.requestTransition(target, artifacts as Record<string, unknown>);
  } catch (err) {
    return textResult(renderRefusal(refusalOf(err), { tool, rules: await ctx.rules() }), true);
  }
  if (result.allowed) {
    const rules = await ctx.rules();
    return textResult([`Moved ${from ?? '?'} → ${result.phase}. The tool list changed.`, ...(rules === undefined ? [] : [`This phase allows: ${allowsLine(rules)}.`])].join('\n'));
  }
  if ('status' in result) {
    return textResult(
      `${from ?? '?'} → ${target} is waiting for a human approval (approval ${result.approval_id}). The task stays in ${from ?? 'its phase'} until an operator decides; the tool list changes when it moves. Call workflow_status to check.`,
    );
  }
  const refusal = { reason: 'transition_blocked', message: `${from ?? '?'} → ${target} was refused`, blockers: result.blockers };
  return textResult(renderRefusal(refusal, { tool, rules: await ctx.rules() }), true);
}
