/**
 * Protocol order (SPEC §5): params are checked before session state. Each method, sent
 * malformed params over the real WebSocket, answers -32602 invalid_params whether no task
 * is claimed yet, a task is held, the task is paused, or the lease was lost — never the
 * state's own refusal (no_task, task_paused, lease_lost), which would answer a question
 * the agent did not ask.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type RawAgent, type Stack } from './stack.js';

/** Malformed params per method: wrong container, and wrong member types. */
const MALFORMED: Record<string, readonly unknown[]> = {
  'task.claim': [5, 'x', [], { capabilities: 'x' }, { capabilities: [1] }, { task_id: 7 }],
  'task.transition': [5, [], { target_phase: 5 }, { token: 5, target_phase: 'IMPL' }, { target_phase: 'IMPL', artifacts: [] }],
  'task.status': [5, null, [], { token: 5 }],
  'state.snapshot': ['x', { token: {} }],
  'token.refresh': [null, [], { token: 1 }],
  'tool.call': [
    5,
    [],
    { tool: 5, args: {} },
    { tool: '', args: {} },
    { token: 5, tool: 'read_file', args: { path: 'README.md' } },
    { tool: 'read_file' },
    { tool: 'read_file', args: [] },
    { tool: 'read_file', args: { path: 5 } },
    { tool: 'write_file', args: { path: 'a.txt' } },
    { tool: 'run_command', args: { argv: [] } },
  ],
  'contract.describe': [5, 'x', [], { token: 5 }],
};

type State = 'no claim' | 'claimed' | 'paused' | 'lease lost';

async function stackIn(state: State): Promise<{ stack: Stack; agent: RawAgent; token: string | undefined }> {
  const stack = await startStack();
  const taskId = await stack.addTask();
  const agent = await stack.connect();
  if (state === 'no claim') return { stack, agent, token: undefined };
  const { token } = await agent.ok('task.claim');
  if (state === 'paused') {
    expect((await stack.admin('POST', `/api/v1/tasks/${taskId}/pause`, { reason: 'order test' })).status).toBe(200);
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'task.paused'), 15_000);
  }
  if (state === 'lease lost') {
    expect((await stack.admin('POST', `/api/v1/tasks/${taskId}/release`, {})).status).toBe(200);
    await agent.waitFor(() => agent.notifications.some((n) => n.method === 'lease.lost'), 15_000);
  }
  return { stack, agent, token };
}

/** The same malformed params, but carrying the session's real token where the params are an object without one. */
function withToken(params: unknown, token: string | undefined): unknown {
  if (token === undefined || typeof params !== 'object' || params === null || Array.isArray(params) || 'token' in params) return params;
  return { ...params, token };
}

for (const state of ['no claim', 'claimed', 'paused', 'lease lost'] as const) {
  describe(`malformed params while ${state}`, () => {
    let s: Awaited<ReturnType<typeof stackIn>>;
    beforeAll(async () => {
      s = await stackIn(state);
    }, 60_000);
    afterAll(async () => s?.stack.close());

    for (const [method, cases] of Object.entries(MALFORMED)) {
      it(`${method} answers -32602 invalid_params`, async () => {
        for (const params of cases) {
          for (const sent of new Set([params, withToken(params, s.token)])) {
            const reply = await s.agent.call(method, sent);
            expect({ params: sent, error: reply.error }).toMatchObject({ params: sent, error: { code: -32602, data: { reason: 'invalid_params' } } });
          }
        }
      });
    }

    it('a malformed tool.call is still audited as a refused call', async () => {
      const before = (await s.stack.audit()).length;
      await s.agent.call('tool.call', { tool: 'read_file', args: { path: 7 }, token: s.token });
      const records = await s.stack.audit();
      expect(records.length).toBe(before + 1);
      expect(records.at(-1)).toMatchObject({ type: 'call', tool: 'read_file', decision: 'deny', reason: 'invalid_params' });
    });
  });
}
