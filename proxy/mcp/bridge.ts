/**
 * `phasegate mcp`: an MCP server (the SDK's `Server`) whose tools are the current phase's
 * tools, answered by the sidecar through `AgentClient`. The client holds and rotates the
 * phase token, so no token ever crosses to the model; every text leaving here is scrubbed
 * of the agent key and every token seen.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolRequest, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../core/log.js';
import type { AgentClient } from '../../sdk/index.js';
import { refusalOf, textResult, toolResultText } from './call-results.js';
import { PhaseTracker } from './phase-tracker.js';
import { renderRefusal } from './refusal-text.js';
import { SecretScrubber } from './secret-scrub.js';
import { isWorkflowTool, toolsForPhase } from './tool-catalog.js';
import { callWorkflowTool } from './workflow-tools.js';

export interface McpBridgeOptions {
  readonly client: AgentClient;
  /** The agent key: never shown to the model. */
  readonly agentKey: string;
  readonly logger: Logger;
  readonly version: string;
}

const INSTRUCTIONS = `phasegate enforces a workflow on this task: every file and shell operation goes through these tools and is checked against the task's current phase. Call workflow_describe first, workflow_status to see what is missing, and workflow_transition to move on. A refused call explains the rule and the next step; it is not a bug to work around.`;

/** 8 MiB frames at the sidecar, less room for the envelope (token, method, id). */
const MAX_ARGS_BYTES = 8 * 1024 * 1024 - 64 * 1024;

const CALL_TOOL_METHOD_ONLY = CallToolRequestSchema.pick({ method: true }).loose();

export function createMcpBridge(opts: McpBridgeOptions): Server {
  const { client, logger } = opts;
  const secrets = new SecretScrubber();
  secrets.add(opts.agentKey);
  secrets.add(client.token);
  const server = new Server({ name: 'phasegate', version: opts.version }, { capabilities: { tools: { listChanged: true } }, instructions: INSTRUCTIONS });
  const tracker = new PhaseTracker(client, (phase) => {
    secrets.add(client.token);
    logger.info({ phase }, 'phase_changed');
    // Before `initialize` there is no peer to notify; its first tools/list will be current anyway.
    server.sendToolListChanged().catch(() => undefined);
  });
  const rules = () => tracker.current();

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const r = await rules();
    const artifacts = Object.fromEntries(Object.entries(r?.artifacts ?? {}).map(([name, a]) => [name, a.schema]));
    return { tools: toolsForPhase(r?.allowed_tools ?? [], r?.transitions.map((t) => t.to) ?? [], artifacts) };
  });

  // Registered with a schema that checks only the method: the SDK's Server then validates the
  // params itself and answers a malformed call with -32602 (its base class would say -32603).
  server.setRequestHandler(CALL_TOOL_METHOD_ONLY, async (loose): Promise<CallToolResult> => {
    const request = loose as unknown as CallToolRequest;
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    const started = process.hrtime.bigint();
    let result: CallToolResult;
    try {
      result = isWorkflowTool(name) ? await callWorkflowTool({ client, rules }, name, args) : await callBuiltIn(name, args);
    } catch (err) {
      // The workflow tools' reads (status, snapshot) fail like tool calls do.
      result = textResult(renderRefusal(refusalOf(err), { tool: name, rules: await rules() }), true);
    } finally {
      secrets.add(client.token);
      tracker.check();
    }
    logger.debug({ tool: name, is_error: result.isError === true, duration_us: Number((process.hrtime.bigint() - started) / 1000n) }, 'mcp_tool_call');
    return { ...result, content: result.content.map((c) => (c.type === 'text' ? { ...c, text: secrets.scrub(c.text) } : c)) };
  });

  async function callBuiltIn(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    // The sidecar closes the socket on a frame over 8 MiB (SPEC §5): say so instead of losing the connection.
    const size = Buffer.byteLength(JSON.stringify(args));
    if (size > MAX_ARGS_BYTES) {
      const message = `the arguments are ${size} bytes; a call carries at most ${MAX_ARGS_BYTES} (write large files in parts with edit_file)`;
      return textResult(renderRefusal({ reason: 'invalid_params', message }, { tool: name, rules: await rules() }), true);
    }
    try {
      // Unknown and disallowed names go to the sidecar too: it refuses them and audits the attempt.
      return textResult(toolResultText(name, await client.useTool(name, args)));
    } catch (err) {
      if (!(err instanceof Error) || !('reason' in err)) logger.error({ err, tool: name }, 'mcp_bridge_failure');
      return textResult(renderRefusal(refusalOf(err), { tool: name, rules: await rules() }), true);
    }
  }

  return server;
}
