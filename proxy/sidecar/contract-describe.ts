/** `contract.describe`: the rules of the task's current phase, as the agent should read them. */
import { PhasegateError } from '../../core/errors.js';
import type { SidecarContext } from './context.js';
import { parseDescribeParams } from './params.js';
import { sessionClaims } from './token-check.js';

export async function describeContract(ctx: SidecarContext, params: unknown): Promise<unknown> {
  // The token is optional (SPEC §5); when given it must be this session's current one.
  const token = parseDescribeParams(params);
  if (token !== undefined) await sessionClaims(ctx, token, { allowPaused: true });
  const a = ctx.session.assignment;
  if (a === undefined) throw new PhasegateError('no_task', 'no task claimed: call task.claim first');
  const workflow = ctx.contract.workflows.get(a.workflow);
  const phase = workflow?.phases.get(a.phase);
  if (workflow === undefined || phase === undefined) throw new PhasegateError('internal_error', `phase ${a.phase} is not in the contract`);
  const constraints: Record<string, unknown> = {};
  for (const [tool, c] of phase.constraints) {
    constraints[tool] = {
      ...(c.paths === undefined ? {} : { paths: c.paths }),
      ...(c.deny.length === 0 ? {} : { deny: c.deny }),
      ...(c.commands === undefined ? {} : { commands: c.commands.map((p) => p.source) }),
    };
  }
  const outgoing = workflow.transitions.filter((t) => t.from === a.phase);
  // The schema of every artifact a way out needs: an agent (or the MCP bridge) can then
  // build a valid artifact without reading the contract file.
  const artifacts: Record<string, unknown> = {};
  for (const name of outgoing.flatMap((t) => t.requiresArtifacts)) {
    const artifact = workflow.artifacts.get(name);
    if (artifact !== undefined) artifacts[name] = { schema_file: artifact.schemaFile, schema: artifact.schema };
  }
  return {
    phase: a.phase,
    description: phase.description,
    allowed_tools: [...phase.allowed],
    forbidden_tools: [...phase.forbidden],
    constraints,
    protected: ctx.contract.protectedGlobs,
    test_globs: workflow.testGlobs,
    test_config: workflow.testConfig,
    artifacts,
    transitions: outgoing.map((t) => ({ to: t.to, description: t.description, requires_artifacts: t.requiresArtifacts, gate: t.gate ?? null, checks: t.checks, approval: t.approval })),
  };
}
