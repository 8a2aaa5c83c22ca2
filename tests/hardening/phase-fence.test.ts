/**
 * SPEC §11 phase fence, attacked over the real wire: a slow command started in one phase and
 * a transition sent while it runs. The transition waits for the command; calls sent while
 * the transition is pending are decided in the new phase (token_superseded). Over WebSocket
 * and over HTTP.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../proxy/audit/index.js';
import { AGENT_KEY } from '../sidecar/stack.js';
import { startMini, type MiniStack } from './mini-stack.js';

let stack: MiniStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const SLOW = ['sh', '-c', 'sleep 1; echo late > late.txt'];

/** The command was decided and is executing: its `call` record is written before it runs (sandboxed or not). */
async function waitForCommandStart(s: MiniStack): Promise<void> {
  const started = async () => (await s.audit()).some((r) => r.type === 'call' && r.tool === 'run_command' && r.decision === 'allow');
  for (let i = 0; i < 400 && !(await started()); i++) await new Promise((r) => setTimeout(r, 25));
  if (!(await started())) throw new Error('the command never started');
}

const resultOf = (records: AuditRecord[], tool: string) => records.find((r) => r.type === 'result' && r.tool === tool);
const appliedTransition = (records: AuditRecord[]) => records.find((r) => r.type === 'transition' && r.reason === 'applied');

/** The command's result record comes before the transition record: its effects landed in the old phase. */
function assertFenced(records: AuditRecord[]): void {
  const result = resultOf(records, 'run_command');
  const transition = appliedTransition(records);
  expect(result).toBeDefined();
  expect(transition).toBeDefined();
  expect(result!.phase).toBe('WORK');
  expect(result!.seq).toBeLessThan(transition!.seq);
}

describe('phase fence', () => {
  it('over WebSocket: the transition waits for the slow command; a write sent behind it is refused in the new phase', { timeout: 30_000 }, async () => {
    stack = await startMini();
    const { agent, token } = await stack.claim();
    const other = await stack.connect();
    const command = agent.call('tool.call', { token, tool: 'run_command', args: { argv: SLOW } });
    await waitForCommandStart(stack);
    // Same connection, back to back: frames start in order, so the transition closes the gate
    // before the write is looked at — deterministic, however loaded the machine.
    const transition = other.call('task.transition', { token, target_phase: 'NEXT', artifacts: {} });
    const write = other.call('tool.call', { token, tool: 'write_file', args: { path: 'after.txt', content: 'x' } });

    const [c, t, w] = await Promise.all([command, transition, write]);
    expect(c.result.exit_code).toBe(0);
    expect(t.result).toMatchObject({ allowed: true, phase: 'NEXT' });
    expect(w.error?.data.reason).toBe('token_superseded');
    expect(existsSync(join(stack.workspace, 'after.txt'))).toBe(false);
    expect(existsSync(join(stack.workspace, 'late.txt'))).toBe(true); // landed, in WORK
    assertFenced(await stack.audit());
  });

  it('over HTTP: POST /api/v1/tasks/transition waits for the command too', { timeout: 30_000 }, async () => {
    stack = await startMini();
    const { token } = await stack.claim();
    const command = stack.execute(token, 'run_command', { argv: SLOW });
    await waitForCommandStart(stack);
    const transition = fetch(`${stack.sidecar.httpUrl}/api/v1/tasks/transition`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phase_token: token, target_phase: 'NEXT', artifacts: {} }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    await new Promise((r) => setTimeout(r, 200));
    const write = stack.execute(token, 'write_file', { path: 'after.txt', content: 'x' });

    const [c, t, w] = await Promise.all([command, transition, write]);
    expect(c.status).toBe(200);
    expect(t.status).toBe(200);
    expect(t.body.allowed).toBe(true);
    expect(existsSync(join(stack.workspace, 'late.txt'))).toBe(true);
    const records = await stack.audit();
    assertFenced(records);
    // Separate connections race: the write either waited and was refused in NEXT, or got in
    // before the gate closed and landed in WORK — never after the transition.
    if (w.status === 200) {
      expect(resultOf(records, 'write_file')!.seq).toBeLessThan(appliedTransition(records)!.seq);
    } else {
      expect(w.body.error.reason).toBe('token_superseded');
      expect(existsSync(join(stack.workspace, 'after.txt'))).toBe(false);
    }
  });
});
