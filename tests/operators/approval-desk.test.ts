/**
 * The approval desk of an embedded run, on a real coordinator: on a terminal it shows what is
 * being approved and asks approve / reject (the answers are typed into its input here); it
 * always prints how to decide from another shell; a decision made elsewhere ends the question.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startApprovalDesk, type ApprovalDesk } from '../../proxy/wrapper/approval-desk.js';
import { CYCLE_CONTRACT, NO_EVIDENCE, startTest, type TestCoordinator } from '../coordinator/http/helpers.js';
import { eventually } from '../sdk/sdk-stack.js';

let c: TestCoordinator | undefined;
const desks: ApprovalDesk[] = [];
afterEach(async () => {
  for (const d of desks.splice(0)) d.stop();
  await c?.dispose();
  c = undefined;
});

async function park(coordinator: TestCoordinator, title: string): Promise<{ id: string; approvalId: string }> {
  const id = (await coordinator.admin('POST', '/api/v1/tasks', { title })).body.task.id as string;
  const claimed = await coordinator.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'author', task_id: id });
  const step = (token: string, from: string, to: string) =>
    coordinator.sidecar('POST', '/api/v1/tasks/transition', { current_phase: from, target_phase: to, phase_token: token, artifacts: {}, evidence: { ...NO_EVIDENCE, files_changed: ['src/a.js'] } });
  const toB = await step(claimed.body.phase_token, 'A', 'B');
  const parked = await step(toB.body.new_token, 'B', 'COMPLETE');
  return { id, approvalId: parked.body.approval_id as string };
}

function open(coordinator: TestCoordinator, mode: 'prompt' | 'print') {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => (shown += String(d)));
  const lines: string[] = [];
  const desk = startApprovalDesk({
    service: coordinator.service,
    url: coordinator.url,
    adminKeyFile: '/state/coordinator/admin.key',
    mode,
    operator: 'admin:terminal (tester)',
    report: (l) => lines.push(l),
    input,
    output,
  });
  desks.push(desk);
  return { input, lines, shown: () => shown, stop: () => desk.stop() };
}

describe('approval desk', () => {
  it('on a terminal: shows the approval and applies what the operator answers', async () => {
    c = await startTest({ contractText: CYCLE_CONTRACT });
    const { id, approvalId } = await park(c, 'Ship it');
    const desk = open(c, 'prompt');
    await eventually(() => desk.shown().includes(`approve ${approvalId}? [a]pprove / [r]eject`));
    expect(desk.shown()).toContain(`approval ${approvalId}: task ${id} "Ship it", B → COMPLETE`);
    expect(desk.shown()).toMatch(/files changed \(as the sidecar recorded them\): \n {4}src\/a\.js/);
    expect(desk.lines).toContain(`  decide:  PHASEGATE_ADMIN_KEY_FILE=/state/coordinator/admin.key phasegate approve ${approvalId} --coordinator ${c.url}   (or: reject ${approvalId} --reason "…")`);
    desk.input.write('r\n');
    await eventually(() => desk.shown().includes('reason (the agent reads it): '));
    desk.input.write('\n'); // an empty reason is asked again
    desk.input.write('tests are missing\n');
    await eventually(() => desk.lines.includes(`rejected ${approvalId}`));
    const approval = (await c.admin('GET', `/api/v1/approvals/${approvalId}`)).body.approval;
    expect(approval).toMatchObject({ status: 'rejected', reason: 'tests are missing', decided_by: 'admin:terminal (tester)' });
  });

  it('approves with a note', async () => {
    c = await startTest({ contractText: CYCLE_CONTRACT });
    const { id, approvalId } = await park(c, 'Ship it');
    const desk = open(c, 'prompt');
    await eventually(() => desk.shown().includes(`approve ${approvalId}?`));
    desk.input.write('a\nlooks right\n');
    await eventually(() => desk.lines.includes(`approved ${approvalId}`));
    expect((await c.admin('GET', `/api/v1/tasks/${id}`)).body.task.phase).toBe('COMPLETE');
    expect((await c.admin('GET', `/api/v1/approvals/${approvalId}`)).body.approval).toMatchObject({ note: 'looks right', decided_by: 'admin:terminal (tester)' });
  });

  it('a decision from another shell ends the question; without a terminal it only says how to decide', async () => {
    c = await startTest({ contractText: CYCLE_CONTRACT });
    const { approvalId } = await park(c, 'Ship it');
    const desk = open(c, 'prompt');
    await eventually(() => desk.shown().includes(`approve ${approvalId}?`));
    await c.admin('POST', `/api/v1/approvals/${approvalId}/approve`, {});
    await eventually(() => desk.lines.some((l) => l.startsWith(`approval ${approvalId} was approved by admin:`)));
    desk.stop();

    const second = await park(c, 'Another');
    const quiet = open(c, 'print');
    await eventually(() => quiet.lines.some((l) => l.startsWith(`approval ${second.approvalId} pending`)));
    expect(quiet.shown()).toBe('');
  });
});
