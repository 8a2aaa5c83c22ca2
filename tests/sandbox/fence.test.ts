/**
 * The apply-side phase fence (SPEC §11): a command's changes are applied only if the task is
 * still in the phase and claim the command was decided in. Here the operator releases the
 * task while run_tests is running; its writes are discarded and the call fails phase_changed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startStack, walkToImpl, type Stack } from '../sidecar/stack.js';

let stack: Stack;
afterEach(() => stack?.close());

it('changes of a command whose task left the claim while it ran are discarded: tool_failed phase_changed', async () => {
  stack = await startStack();
  await stack.addTask();
  const agent = await stack.connect();
  const { taskId, token } = await walkToImpl(agent);
  // The code under test waits, then writes source it would be allowed to write in IMPL.
  const src = `const fs = require('fs');
fs.writeFileSync(__dirname + '/started', '');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
fs.writeFileSync(__dirname + '/late.js', 'late');
module.exports = { add: (a, b) => a + b };\n`;
  await agent.ok('tool.call', { token, tool: 'write_file', args: { path: 'src/app.js', content: src } });
  const call = agent.call('tool.call', { token, tool: 'run_tests', args: {} });
  await new Promise((ok) => setTimeout(ok, 800));
  const released = await stack.admin('POST', `/api/v1/tasks/${taskId}/release`);
  expect(released.status).toBe(200);
  await agent.waitFor(() => agent.notifications.some((n) => n.method === 'lease.lost'), 10_000);
  const reply = await call;
  expect(reply.error?.data).toMatchObject({ reason: 'tool_failed', detail: 'phase_changed' });
  expect(existsSync(join(stack.workspace, 'src/late.js'))).toBe(false);
  const records = await stack.audit();
  const runCall = records.find((r) => r.type === 'call' && r.tool === 'run_tests' && r.phase === 'IMPL');
  const changes = records.filter((r) => r.type === 'change' && r.call_id === runCall?.call_id);
  expect(changes.map((r) => [(r.args as { path: string }).path, r.decision, r.reason])).toEqual([
    ['src/late.js', 'deny', 'phase_changed'],
    ['src/started', 'deny', 'phase_changed'],
  ]);
});
