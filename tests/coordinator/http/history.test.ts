/**
 * Over HTTP, every answer that carries a task carries its whole history, exactly as the event
 * log says it was written, though the coordinator stores it as one record per entry: task
 * show and list, claim, release, pause, resume, cancel, approval details, and after a restart.
 */
import { describe, expect, it } from 'vitest';
import { expectedHistory, PUBLIC_TASK_KEYS } from '../engine/history-oracle.js';
import { cleanedAfterEach, CYCLE_CONTRACT, NO_EVIDENCE, startTest, tempDir, type TestCoordinator } from './helpers.js';

const CYCLES = 60;
const left = cleanedAfterEach();

async function open(): Promise<TestCoordinator> {
  left.root ??= await tempDir();
  return (left.c = await startTest({ contractText: CYCLE_CONTRACT, dataDir: left.root }));
}

describe('task history over HTTP', () => {
  it(`after ${CYCLES} cycles, a pause, a hand-over and an approval, every task answer carries the history the events describe`, async () => {
    const co = await open();
    const show = async (id: string) => (await co.admin('GET', `/api/v1/tasks/${id}`)).body.task;
    const id = (await co.admin('POST', '/api/v1/tasks', { title: 'cycled' })).body.task.id as string;
    let token = (await co.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: id })).body.phase_token as string;
    let moves = 0;
    const step = async (from: string, to: string) => {
      const res = await co.sidecar('POST', '/api/v1/tasks/transition', { current_phase: from, target_phase: to, phase_token: token, artifacts: {}, evidence: NO_EVIDENCE });
      expect(res.body, `${from} → ${to}`).toMatchObject({ allowed: true });
      token = res.body.new_token;
      moves += 1;
    };
    for (let i = 1; i <= CYCLES; i++) {
      await step('A', 'B');
      await step('B', 'A');
      if (i === CYCLES / 3) {
        const paused = await co.admin('POST', `/api/v1/tasks/${id}/pause`, { reason: 'lunch' });
        expect(paused.body.task.history).toHaveLength(moves);
        expect(paused.body.task.history).toStrictEqual((await show(id)).history);
        const resumed = await co.admin('POST', `/api/v1/tasks/${id}/resume`, {});
        expect(resumed.body.task.history).toStrictEqual(paused.body.task.history);
      }
      if (i === (2 * CYCLES) / 3) {
        const released = await co.admin('POST', `/api/v1/tasks/${id}/release`, {});
        expect(released.body.task.history).toHaveLength(moves);
        const claimed = await co.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a2', task_id: id });
        expect(claimed.body.task.history).toStrictEqual(released.body.task.history);
        token = claimed.body.phase_token;
      }
    }
    await step('A', 'B');
    const parked = await co.sidecar('POST', '/api/v1/tasks/transition', { current_phase: 'B', target_phase: 'COMPLETE', phase_token: token, artifacts: {}, evidence: NO_EVIDENCE });
    expect(parked.body.status).toBe('awaiting_approval');
    const details = await co.admin('GET', `/api/v1/approvals/${parked.body.approval_id}`);
    expect(details.body.task.history).toHaveLength(moves);
    expect(details.body.task.history).toStrictEqual((await show(id)).history);
    expect((await co.admin('POST', `/api/v1/approvals/${parked.body.approval_id}/approve`, { note: 'ok' })).status).toBe(200);

    const events = (await co.admin('GET', '/api/v1/events?since=0&limit=10000')).body.events;
    const task = await show(id);
    expect(Object.keys(task).sort()).toEqual(PUBLIC_TASK_KEYS);
    expect(task.history).toHaveLength(2 * CYCLES + 2);
    expect(task.history).toStrictEqual(expectedHistory(events, id, task.history.map(() => ({}))));
    expect(new Set(task.history.map((e: { agent_id: string }) => e.agent_id))).toEqual(new Set(['a1', 'a2']));

    // A second task, cancelled after three moves; and one never moved.
    const other = (await co.admin('POST', '/api/v1/tasks', { title: 'cancelled' })).body.task;
    expect(other.history).toStrictEqual([]);
    token = (await co.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a3', task_id: other.id })).body.phase_token;
    await step('A', 'B');
    await step('B', 'A');
    await step('A', 'B');
    const cancelled = await co.admin('POST', `/api/v1/tasks/${other.id}/cancel`, { reason: 'not needed' });
    expect(cancelled.body.task.history.map((e: { to: string }) => e.to)).toEqual(['B', 'A', 'B']);
    const idle = (await co.admin('POST', '/api/v1/tasks', { title: 'idle' })).body.task;

    const list = (await co.admin('GET', '/api/v1/tasks')).body.tasks;
    expect(list).toStrictEqual([task, cancelled.body.task, idle]);
    expect((await co.auditor('GET', '/api/v1/tasks')).body.tasks).toStrictEqual(list);

    // A restart on the same data dir answers the same.
    await co.close();
    left.c = undefined;
    const again = await open();
    expect((await again.admin('GET', '/api/v1/tasks')).body.tasks).toStrictEqual(list);
  }, 120_000);
});
