/**
 * A real MCP client walks a task PLAN → TDD → IMPL → REVIEW through `phasegate mcp` only,
 * against a real coordinator and sidecar: the tool list follows the phase, refusals teach,
 * every call is audited, and no token or key ever reaches the model.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_KEY, PLAN, startStack, TESTS, type Stack } from '../sidecar/stack.js';
import { eventually } from '../sdk/sdk-stack.js';
import { openMcp, type McpSession } from './mcp-client.js';

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;
const WORKFLOW = ['workflow_describe', 'workflow_status', 'workflow_transition'];
const sorted = (names: string[]) => [...names].sort();

describe('phasegate mcp: a task walked through MCP tools only', () => {
  let stack: Stack | undefined;
  let mcp: McpSession | undefined;
  afterEach(async () => {
    await mcp?.close();
    await stack?.close();
    mcp = stack = undefined;
  });

  it('lists the phase tools, refuses with the rule, follows transitions, audits every call, never leaks', async () => {
    stack = await startStack();
    await stack.addTask();
    const claim = await stack.sidecar.claim();
    const session = (mcp = await openMcp({ url: stack.sidecar.url, agentKey: AGENT_KEY, token: claim.token }));

    // PLAN: exactly the phase's tools plus the workflow tools, with schemas and hints.
    expect(sorted(await session.toolNames())).toEqual(sorted(['read_file', 'list_files', 'search', 'write_file', 'edit_file', ...WORKFLOW]));
    const { tools } = await session.client.listTools();
    const read = tools.find((t) => t.name === 'read_file');
    expect(read?.annotations?.readOnlyHint).toBe(true);
    expect(read?.inputSchema).toMatchObject({ type: 'object', required: ['path'] });
    const transitionSchema = tools.find((t) => t.name === 'workflow_transition')?.inputSchema;
    expect(transitionSchema?.properties?.target_phase).toMatchObject({ enum: ['TDD'] });
    expect(transitionSchema?.properties?.artifacts).toMatchObject({ properties: { plan: { type: 'object', required: ['summary', 'acceptance_criteria', 'steps'] } } });

    const readme = await session.call('read_file', { path: 'README.md' });
    expect(readme).toEqual({ isError: false, text: '# fixture\n' });

    const forbidden = await session.call('write_file', { path: 'src/app.js', content: 'hacked' });
    expect(forbidden.isError).toBe(true);
    expect(forbidden.text).toContain('path_not_permitted');
    expect(forbidden.text).toContain('`docs/plans/**`');
    expect(forbidden.text).toContain('workflow_transition to TDD needs');
    expect(forbidden.text).toContain('artifact `plan`');

    const outside = await session.call('read_file', { path: '../outside/secret.txt' });
    expect(outside.isError).toBe(true);
    expect(outside.text).toContain('path_outside_workspace');
    expect(outside.text).not.toContain('TOP SECRET');

    expect((await session.call('write_file', { path: 'docs/plans/plan.md', content: '# plan\n' })).isError).toBe(false);
    const described = await session.call('workflow_describe');
    expect(described.text).toContain('Phase PLAN');
    expect(described.text).toContain('acceptance_criteria');
    expect((await session.call('workflow_status')).text).toContain('Phase: PLAN');

    // Skipping a phase is refused like any other illegal move, and says what is legal.
    const skip = await session.call('workflow_transition', { target_phase: 'IMPL', artifacts: { plan: PLAN } });
    expect(skip.isError).toBe(true);
    expect(skip.text).toContain('workflow_transition to TDD needs');
    // A blocked transition is an error result naming each blocker.
    const blocked = await session.call('workflow_transition', { target_phase: 'TDD', artifacts: {} });
    expect(blocked.isError).toBe(true);
    expect(blocked.text).toContain('transition_blocked');

    // PLAN → TDD: the list changes and the client is told.
    const before = session.listChanged();
    const toTdd = await session.call('workflow_transition', { target_phase: 'TDD', artifacts: { plan: PLAN } });
    expect(toTdd).toMatchObject({ isError: false });
    await eventually(() => session.listChanged() > before);
    expect(sorted(await session.toolNames())).toEqual(sorted(['read_file', 'list_files', 'search', 'write_file', 'edit_file', 'run_tests', 'run_command', ...WORKFLOW]));
    const wrongCommand = await session.call('run_command', { command: 'rm -rf src' });
    expect(wrongCommand.isError).toBe(true);
    expect(wrongCommand.text).toContain('command_not_permitted');
    expect(wrongCommand.text).toContain('`git status`');
    const red = await session.call('run_tests');
    expect(JSON.parse(red.text)).toMatchObject({ failed: 1 });
    const toImpl = await session.call('workflow_transition', { target_phase: 'IMPL', artifacts: { tests: TESTS } });
    expect(toImpl.isError, toImpl.text).toBe(false);

    // IMPL: delete_file appears, destructive; the fix goes in through edit_file.
    await eventually(() => session.listChanged() > before + 1);
    const implTools = (await session.client.listTools()).tools;
    expect(implTools.find((t) => t.name === 'delete_file')?.annotations?.destructiveHint).toBe(true);
    const lockedTest = await session.call('write_file', { path: 'tests/run.js', content: 'process.exit(0)' });
    expect(lockedTest.isError).toBe(true);
    expect(lockedTest.text).toContain('path_not_permitted');
    expect((await session.call('edit_file', { path: 'src/app.js', old: 'a - b', new: 'a + b' })).text).toContain('"replacements": 1');
    const missing = await session.call('edit_file', { path: 'src/app.js', old: 'no such text', new: 'x' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('tool_failed');
    const green = await session.call('run_tests');
    expect(JSON.parse(green.text)).toMatchObject({ exit_code: 0, failed: 0 });
    const toReview = await session.call('workflow_transition', {
      target_phase: 'REVIEW',
      artifacts: { implementation: { changed_files: ['src/app.js'], notes: 'add adds' } },
    });
    expect(toReview.isError, toReview.text).toBe(false);
    await eventually(() => session.listChanged() > before + 2);
    expect(sorted(await session.toolNames())).toEqual(sorted(['read_file', 'list_files', 'search', 'run_tests', ...WORKFLOW]));
    const reviewWrite = await session.call('write_file', { path: 'src/app.js', content: 'x' });
    expect(reviewWrite.isError).toBe(true);
    expect(reviewWrite.text).toMatch(/tool_forbidden|tool_not_allowed/);

    // Every built-in call made through MCP is in the audit log, the refusals with their reason.
    const audit = await stack.audit();
    const calls = audit.filter((r) => r.type === 'call');
    const tools_ = calls.map((r) => r.tool);
    for (const tool of ['read_file', 'write_file', 'run_command', 'run_tests', 'edit_file']) expect(tools_).toContain(tool);
    expect(calls.filter((r) => r.tool === 'write_file' && r.decision === 'deny').map((r) => r.reason)).toEqual(
      expect.arrayContaining(['path_not_permitted', expect.stringMatching(/tool_forbidden|tool_not_allowed/)]),
    );
    expect(calls.some((r) => r.tool === 'read_file' && r.reason === 'path_outside_workspace')).toBe(true);
    // 11 built-in calls were made above; the workflow_* tools are not tool calls.
    expect(calls.length).toBe(11);
    expect(audit.filter((r) => r.type === 'transition').length).toBeGreaterThanOrEqual(3);

    // No result or tool description carries a token or the agent key.
    for (const text of session.texts) {
      expect(text).not.toContain(AGENT_KEY);
      expect(text).not.toContain(claim.token);
      expect(text).not.toMatch(JWT);
    }
    expect(session.stderr()).not.toContain(AGENT_KEY);
    expect(session.stderr()).not.toMatch(JWT);
  });
});
