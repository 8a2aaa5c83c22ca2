/**
 * No sandbox, no command (SPEC §11), through the wire: with a launcher that cannot start, the
 * sidecar refuses run_command / run_tests with -32005 sandbox_unavailable (HTTP 503), runs
 * nothing, and audits the call. `sandbox: 'off'` runs unconfined and says so in the audit log.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { AGENT_KEY, PLAN, startStack, type Stack } from '../sidecar/stack.js';

let stack: Stack;
afterEach(() => stack?.close());

async function tddToken(s: Stack): Promise<string> {
  await s.addTask();
  const agent = await s.connect();
  const claim = await agent.ok('task.claim', {});
  await agent.ok('tool.call', { token: claim.token, tool: 'write_file', args: { path: 'docs/plans/plan.md', content: '# plan\n' } });
  return (await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } })).token as string;
}

it('a sidecar whose sandbox cannot be built refuses commands with -32005 and executes nothing', async () => {
  stack = await startStack({ sidecar: { sandboxOptions: { launcher: '/nonexistent/phasegate-launcher' } } });
  const token = await tddToken(stack);
  const agent = await stack.connect();
  const ws = await agent.call('tool.call', { token, tool: 'run_tests', args: {} });
  expect(ws.error).toMatchObject({ code: -32005, data: { reason: 'sandbox_unavailable' } });
  const res = await fetch(`${stack.sidecar.httpUrl}/api/v1/tools/execute`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phase_token: token, tool_name: 'run_command', args: { argv: ['ls'] } }),
  });
  expect(res.status).toBe(503);
  expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('sandbox_unavailable');
  const records = await stack.audit();
  const calls = records.filter((r) => r.type === 'call' && (r.tool === 'run_tests' || r.tool === 'run_command'));
  expect(calls.map((r) => r.decision)).toEqual(['allow', 'allow']);
  const results = records.filter((r) => r.type === 'result' && calls.some((c) => c.call_id === r.call_id));
  expect(results.map((r) => r.result)).toEqual([{ ok: false, error: 'sandbox_unavailable' }, { ok: false, error: 'sandbox_unavailable' }]);
  expect(records.filter((r) => r.type === 'change')).toEqual([]);
});

it('sandbox off: commands run on the host, and the session record says so', async () => {
  stack = await startStack({ sidecar: { sandbox: 'off' } });
  const token = await tddToken(stack);
  const agent = await stack.connect();
  const r = await agent.ok('tool.call', { token, tool: 'run_tests', args: {} });
  expect(r.changes).toBeUndefined();
  expect(existsSync(join(stack.workspace, 'package.json'))).toBe(true);
  const started = (await stack.audit()).find((x) => x.type === 'session' && x.reason === 'sidecar_started');
  expect(started?.args).toMatchObject({ sandbox: 'off' });
});
