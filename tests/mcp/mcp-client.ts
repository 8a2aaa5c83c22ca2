/** A real MCP client (the SDK's Client over stdio) driving `node dist/proxy/cli/main.js mcp`. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from '../e2e/processes.js';

export interface McpCall {
  readonly isError: boolean;
  readonly text: string;
}

export interface McpSession {
  readonly client: Client;
  /** How many `notifications/tools/list_changed` arrived so far. */
  listChanged(): number;
  /** Every text the server returned (tool results and tool descriptions), for leak checks. */
  readonly texts: string[];
  stderr(): string;
  toolNames(): Promise<string[]>;
  call(name: string, args?: Record<string, unknown>): Promise<McpCall>;
  close(): Promise<void>;
}

/** Spawns the MCP bridge with exactly the §6 variables it needs, and connects a client. */
export async function openMcp(env: { url: string; agentKey: string; token?: string; taskId?: string }): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    env: {
      PATH: process.env.PATH ?? '',
      PHASEGATE_URL: env.url,
      PHASEGATE_AGENT_KEY: env.agentKey,
      ...(env.token !== undefined && { PHASEGATE_PHASE_TOKEN: env.token }),
      ...(env.taskId !== undefined && { PHASEGATE_TASK_ID: env.taskId }),
    },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += String(d)));
  const client = new Client({ name: 'phasegate-test', version: '1.0.0' });
  let changes = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
  });
  await client.connect(transport);
  const texts: string[] = [];
  return {
    client,
    texts,
    listChanged: () => changes,
    stderr: () => stderr,
    async toolNames() {
      const { tools } = await client.listTools();
      texts.push(JSON.stringify(tools));
      return tools.map((t) => t.name);
    },
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as { type: string; text?: string }[];
      const text = content.map((c) => c.text ?? '').join('\n');
      texts.push(text);
      return { isError: result.isError === true, text };
    },
    close: () => client.close(),
  };
}
