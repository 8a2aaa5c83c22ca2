import { explainContract } from '../../core/contract/index.js';
import type { CompiledContract } from '../../core/contract/types.js';
import { MCP_TOOL_PREFIX } from '../hook/index.js';

export interface PromptInput {
  readonly contract: CompiledContract;
  readonly task: { id: string; title: string; description: string; acceptance_criteria: readonly string[]; workflow: string };
  readonly phase: string;
  readonly agentId: string;
  /** A coding agent wired through MCP (`--agent`): tools are named as that agent sees them. */
  readonly agent?: 'claude' | 'codex';
  /** Ignored: the prompt never carries a token (SPEC §6). Kept so existing callers compile. */
  readonly token?: string;
}

/** How an agent sees phasegate's tool `tool`: `mcp__phasegate__tool` through MCP, else the SDK name. */
export function agentToolName(agent: PromptInput['agent'], tool: string): string {
  return agent === undefined ? tool : `${MCP_TOOL_PREFIX}${tool}`;
}

/**
 * The instructions an agent reads first: its task, the contract in words, and how to reach
 * the sidecar (the SDK, or the MCP tools with `--agent`). It goes into a model's context, so
 * it never holds a token or key (SPEC §6): those stay in the environment and the MCP bridge.
 */
export function renderPrompt(input: PromptInput): string {
  const { task } = input;
  const criteria = task.acceptance_criteria.length > 0 ? task.acceptance_criteria.map((c) => `- ${c}`).join('\n') : '- (none given: write them in your plan)';
  const name = (tool: string) => agentToolName(input.agent, tool);
  return `# Your task: ${task.title}

Task id: ${task.id} · workflow: ${task.workflow} · current phase: **${input.phase}** · agent: ${input.agentId}

${task.description || '(no description)'}

## Acceptance criteria
${criteria}

## How you work here
${input.agent === undefined ? sdkUsage() : mcpUsage(name)}

## The workflow contract
${explainContract(input.contract, { workflow: task.workflow, toolName: name })}
`;
}

function mcpUsage(name: (tool: string) => string): string {
  return `phasegate enforces the workflow below on this task. Every file and shell operation goes
through phasegate's tools (MCP server \`phasegate\`): \`${name('read_file')}\`, \`${name('write_file')}\`,
\`${name('edit_file')}\`, \`${name('list_files')}\`, \`${name('search')}\`, \`${name('delete_file')}\`,
\`${name('run_command')}\` and \`${name('run_tests')}\` — only those the current phase allows are offered,
and the list changes when the phase changes. Your own file and shell tools are disabled here, and
the workspace is read-only to everything but phasegate.

- \`${name('workflow_describe')}\`: the current phase's rules (allowed tools, paths, commands, and what each way out needs).
- \`${name('workflow_status')}\`: the task, its phase, and what is still missing to move on.
- \`${name('workflow_transition')}\` \`{target_phase, artifacts}\`: move to the next phase with the artifacts it requires.

\`${name('run_tests')}\` is recorded as evidence for the gates (tests must fail before leaving TDD, and pass
before leaving IMPL). A refused call comes back as an error naming the reason (e.g. \`path_not_permitted\`),
the rule, what this phase allows and the next step: it is the workflow, not a bug to work around.`;
}

function sdkUsage(): string {
  return `Every file and shell operation goes through the phasegate sidecar, which enforces the
workflow below. A refused call returns a reason (e.g. \`path_not_permitted\`); it is not a
bug to work around: move the task to the phase that allows the work.

\`\`\`js
import { AgentClient } from 'phasegate/sdk';
const agent = await AgentClient.connect();          // uses PHASEGATE_URL, PHASEGATE_AGENT_KEY, PHASEGATE_PHASE_TOKEN
const { content } = await agent.readFile('README.md');
await agent.runTests();                             // recorded as evidence for the gates
const r = await agent.requestTransition('NEXT_PHASE', { artifact_name: { /* … */ } });
if (!r.allowed) console.log(r);                      // blockers say exactly what is missing
\`\`\`

Raw JSON-RPC over WebSocket: connect to \`$PHASEGATE_URL\` with \`Authorization: Bearer $PHASEGATE_AGENT_KEY\`
and send \`{"jsonrpc":"2.0","id":1,"method":"tool.call","params":{"token":"…","tool":"read_file","args":{"path":"README.md"}}}\`
with the phase token from \`$PHASEGATE_PHASE_TOKEN\` (tokens rotate: each transition returns the next one).
HTTP: \`POST $PHASEGATE_HTTP_URL/api/v1/tools/execute {"phase_token","tool_name","args"}\` with the same bearer key.`;
}
