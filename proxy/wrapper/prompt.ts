import { explainContract } from '../../core/contract/index.js';
import type { CompiledContract } from '../../core/contract/types.js';

export interface PromptInput {
  readonly contract: CompiledContract;
  readonly task: { id: string; title: string; description: string; acceptance_criteria: readonly string[]; workflow: string };
  readonly phase: string;
  readonly agentId: string;
  readonly token: string;
}

/** The instructions file an agent reads first: its task, the contract in words, how to use the SDK. */
export function renderPrompt(input: PromptInput): string {
  const { task } = input;
  const criteria = task.acceptance_criteria.length > 0 ? task.acceptance_criteria.map((c) => `- ${c}`).join('\n') : '- (none given: write them in your plan)';
  return `# Your task: ${task.title}

Task id: ${task.id} · workflow: ${task.workflow} · current phase: **${input.phase}** · agent: ${input.agentId}

${task.description || '(no description)'}

## Acceptance criteria
${criteria}

## How you work here
Every file and shell operation goes through the phasegate sidecar, which enforces the
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
and send \`{"jsonrpc":"2.0","id":1,"method":"tool.call","params":{"token":"…","tool":"read_file","args":{"path":"README.md"}}}\`.
HTTP: \`POST $PHASEGATE_HTTP_URL/api/v1/tools/execute {"phase_token","tool_name","args"}\` with the same bearer key.

Your initial phase token (also in \`PHASEGATE_PHASE_TOKEN\`):

    ${input.token}

## The workflow contract
${explainContract(input.contract, { workflow: task.workflow })}
`;
}
