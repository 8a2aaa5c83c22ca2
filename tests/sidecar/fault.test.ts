/** Fault: the coordinator dies and comes back on the same data dir while the agent works. */
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator } from '../../core/coordinator/http/index.js';
import { verifyAudit } from '../../proxy/audit/index.js';
import { PLAN, TESTS, coordinatorOptions, startStack, type Stack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('coordinator outage', () => {
  it('decides locally meanwhile, refuses transitions, then recovers without losing audit records or accepting stale tokens', async () => {
    stack = await startStack();
    const s = stack;
    const taskId = await s.addTask();
    const agent = await s.connect();
    let calls = 0;
    const tool = async (token: string, name: string, args: Record<string, unknown>) => {
      calls++;
      return agent.call('tool.call', { token, tool: name, args });
    };
    const claim = await agent.ok('task.claim');
    const tdd = await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } });
    expect(tdd.allowed).toBe(true);

    const port = s.coordinator.port;
    await s.coordinator.close();

    // Outage: tool calls are still decided (both ways) by the sidecar alone.
    expect((await tool(tdd.token, 'read_file', { path: 'README.md' })).result?.content).toBe('# fixture\n');
    expect((await tool(tdd.token, 'write_file', { path: 'src/app.js', content: 'x' })).error?.data.reason).toBe('path_not_permitted');
    expect((await tool(claim.token, 'read_file', { path: 'README.md' })).error?.data.reason).toBe('token_superseded');
    expect((await tool(tdd.token, 'run_tests', {})).result?.failed).toBe(1);
    const down = await agent.call('task.transition', { token: tdd.token, target_phase: 'IMPL', artifacts: { tests: TESTS } });
    expect(down.error).toMatchObject({ code: -32010, data: { reason: 'coordinator_unavailable' } });

    // The coordinator comes back on the same port and data dir.
    s.coordinator = await startCoordinator(coordinatorOptions(s.dataDir, s.env, port));
    // Events reconnect: a pause issued on the new process reaches the agent.
    expect((await s.admin('POST', `/api/v1/tasks/${taskId}/pause`, { reason: 'after restart' })).status).toBe(200);
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'task.paused'), 10_000);
    await s.admin('POST', `/api/v1/tasks/${taskId}/resume`, {});
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'task.resumed'), 10_000);

    // The run recorded during the outage is evidence; the transition goes through now.
    const impl = await agent.ok('task.transition', { token: tdd.token, target_phase: 'IMPL', artifacts: { tests: TESTS } });
    expect(impl).toMatchObject({ allowed: true, phase: 'IMPL' });
    expect((await tool(tdd.token, 'read_file', { path: 'README.md' })).error?.data.reason).toBe('token_superseded');
    expect((await tool(claim.token, 'read_file', { path: 'README.md' })).error?.data.reason).toBe('token_superseded');
    expect((await tool(impl.token, 'read_file', { path: 'README.md' })).result?.bytes).toBe(10);

    const records = await s.audit();
    expect(records.filter((r) => r.type === 'call')).toHaveLength(calls);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const verified = await verifyAudit(s.auditDir);
    expect(verified.ok).toBe(true);
  });
});
