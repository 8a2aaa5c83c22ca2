/**
 * The bridge follows phase changes it did not make (an operator's approval arrives as
 * `phase.changed`), answers malformed MCP requests with JSON-RPC errors, and refuses to
 * start without what it needs.
 */
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../e2e/processes.js';
import { AGENT_KEY, eventually, startSdkStack, type SdkStack } from '../sdk/sdk-stack.js';
import { openMcp, type McpSession } from './mcp-client.js';

describe('phasegate mcp: phase changes from elsewhere, malformed requests, start-up', () => {
  let stack: SdkStack | undefined;
  let mcp: McpSession | undefined;
  afterEach(async () => {
    await mcp?.close();
    await stack?.close();
    mcp = stack = undefined;
  });

  it('an approval reaches the client as list_changed, and the new phase is current', async () => {
    stack = await startSdkStack();
    const taskId = await stack.addTask();
    // No token in the environment: the bridge claims the task it is told about.
    const session = (mcp = await openMcp({ url: stack.sidecar.url, agentKey: AGENT_KEY, taskId }));
    expect((await session.call('workflow_status')).text).toContain('Phase: DRAFT');
    expect((await session.call('workflow_transition', { target_phase: 'READY' })).isError).toBe(false);
    await eventually(() => session.listChanged() === 1);

    const asked = await session.call('workflow_transition', { target_phase: 'APPROVED' });
    expect(asked.isError).toBe(false);
    expect(asked.text).toContain('waiting for a human approval');
    const approvalId = /approval (\S+)\)/.exec(asked.text)?.[1];
    expect(approvalId).toBeDefined();
    expect((await stack.admin('POST', `/api/v1/approvals/${approvalId}/approve`, {})).status).toBe(200);

    await eventually(() => session.listChanged() === 2, 15_000);
    const { tools } = await session.client.listTools();
    expect(tools.find((t) => t.name === 'workflow_transition')?.inputSchema.properties?.target_phase).toMatchObject({ enum: ['DONE'] });
    expect((await session.call('workflow_status')).text).toContain('Phase: APPROVED');
    // The new phase's token works: the bridge took it from the notification.
    expect((await session.call('read_file', { path: 'README.md' })).isError).toBe(false);
  });

  it('malformed requests are JSON-RPC errors; a key planted in the workspace is never echoed', async () => {
    stack = await startSdkStack();
    const taskId = await stack.addTask();
    const session = (mcp = await openMcp({ url: stack.sidecar.url, agentKey: AGENT_KEY, taskId }));
    const malformed = session.client.request({ method: 'tools/call', params: { arguments: {} } } as never, CallToolResultSchema);
    await expect(malformed).rejects.toBeInstanceOf(McpError);
    await expect(malformed).rejects.toMatchObject({ code: -32602 });

    // Arguments the sidecar refuses are a tool error the model can fix, not a protocol error.
    const badArgs = await session.call('read_file', { path: 42 });
    expect(badArgs.isError).toBe(true);
    expect(badArgs.text).toContain('invalid_params');

    // Arguments over the sidecar's 8 MiB frame limit are refused with the limit, and the connection survives.
    const huge = await session.call('write_file', { path: 'notes/huge.txt', content: 'x'.repeat(9 * 1024 * 1024) });
    expect(huge.isError).toBe(true);
    expect(huge.text).toContain('invalid_params');
    expect(huge.text).toContain('at most');
    expect((await session.call('read_file', { path: 'README.md' })).isError).toBe(false);

    // A file holding the agent key (planted by anyone) comes back with the key scrubbed.
    expect((await session.call('write_file', { path: 'notes/leak.txt', content: `key=${AGENT_KEY}\n` })).isError).toBe(false);
    const read = await session.call('read_file', { path: 'notes/leak.txt' });
    expect(read.text).toBe('key=[redacted]\n');
  });

  it('refuses to start without the sidecar URL or key, naming the variable and never the key', async () => {
    const noUrl = spawnCli(['mcp'], { PHASEGATE_URL: '', PHASEGATE_AGENT_KEY: 'k' });
    expect(await noUrl.exited).toBe(2);
    expect(noUrl.output().stderr).toContain('PHASEGATE_URL');
    const secret = 'never-print-this-agent-key-0123456789';
    const unreachable = spawnCli(['mcp'], { PHASEGATE_URL: 'ws://127.0.0.1:9/agent', PHASEGATE_AGENT_KEY: secret });
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.output().stderr).toContain('ws://127.0.0.1:9/agent');
    expect(unreachable.output().stderr).not.toContain(secret);
  });
});
