/** `phasegate mcp`: an MCP server on stdio bridging an MCP client (Claude Code, Codex, …) to its sidecar. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { packageRoot } from '../../../core/contract/index.js';
import { createLogger } from '../../../core/log.js';
import { AgentClient } from '../../../sdk/index.js';
import { createMcpBridge } from '../../mcp/index.js';
import { parseFlags, UsageError } from '../args.js';

const USAGE = `usage: phasegate mcp

An MCP server on stdio, started by an MCP client as a child process. It reads
PHASEGATE_URL, PHASEGATE_AGENT_KEY and PHASEGATE_PHASE_TOKEN (as \`phasegate run\` sets them;
without a token it claims PHASEGATE_TASK_ID, or any claimable task) and offers the tools of
the task's current phase plus workflow_status, workflow_transition and workflow_describe.`;

const REQUEST_TIMEOUT_MS = 30 * 60_000;

export async function run(argv: string[]): Promise<number> {
  parseFlags(argv, {}, USAGE, false);
  const env = process.env;
  if (!env.PHASEGATE_URL) throw new UsageError('PHASEGATE_URL is not set (the sidecar\'s ws URL, e.g. ws://127.0.0.1:PORT/agent)');
  if (!env.PHASEGATE_AGENT_KEY) throw new UsageError('PHASEGATE_AGENT_KEY is not set (the key the sidecar was started with)');
  // Logs go to stderr: stdout carries the MCP messages.
  const logger = createLogger('phasegate-mcp', env.PHASEGATE_LOG_LEVEL ?? 'warn');
  let client: AgentClient;
  try {
    // run_tests may take as long as the contract allows (the default contract: 300 s), longer
    // than the SDK's default request timeout; the MCP client keeps its own timeout anyway.
    client = await AgentClient.connect({ url: env.PHASEGATE_URL, agentKey: env.PHASEGATE_AGENT_KEY, reconnect: true, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`cannot reach the sidecar at ${env.PHASEGATE_URL}: ${(err as Error).message}`);
  }
  if (client.token === undefined) await client.claimTask(env.PHASEGATE_TASK_ID ? { task_id: env.PHASEGATE_TASK_ID } : {});
  const server = createMcpBridge({ client, agentKey: env.PHASEGATE_AGENT_KEY, logger, version: packageVersion() });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  // The client ends the session by closing our stdin (MCP stdio lifecycle).
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  client.close();
  await server.close().catch(() => undefined);
  return 0;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
