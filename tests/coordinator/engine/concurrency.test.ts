/** Racing writers: every claim is decided inside one serialized write transaction, so exactly one wins. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, reasonOf, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => (h = await openHarness()));
afterEach(async () => h.cleanup());

describe('claims under concurrency', () => {
  it('50 concurrent claimers on 10 tasks: each task claimed exactly once, the rest get no_task', async () => {
    for (let i = 0; i < 10; i++) await h.svc.createTask({ title: `t${i}` });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => h.svc.claim({ agent_id: `agent-${i}` })));
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
    expect(won).toHaveLength(10);
    expect(new Set(won.map((w) => w.task.id)).size).toBe(10);
    expect(lost).toEqual(Array(40).fill('no_task'));
    for (const t of h.svc.listTasks()) expect(t).toMatchObject({ status: 'claimed', epoch: 1 });
    const winners = new Map(won.map((w) => [w.task.id, w.task.claim?.agent_id]));
    for (const t of h.svc.listTasks()) expect(t.claim?.agent_id).toBe(winners.get(t.id));
    expect(h.svc.events(0).events.filter((e) => e.type === 'task_claimed')).toHaveLength(10);
  });

  it('two agents racing for one task by id: one wins, the other gets task_not_claimable', async () => {
    const t = await h.svc.createTask({ title: 'contested' });
    const [a, b] = await Promise.allSettled([h.svc.claim({ agent_id: 'a', task_id: t.id }), h.svc.claim({ agent_id: 'b', task_id: t.id })]);
    expect(a.status).toBe('fulfilled');
    expect(b.status === 'rejected' && (b.reason as { code: string }).code).toBe('task_not_claimable');
    expect(h.svc.getTask(t.id)).toMatchObject({ epoch: 1, claim: { agent_id: 'a' } });
  });

  it('concurrent transitions with one token: exactly one applies, the rest are superseded', async () => {
    await h.svc.createTask({ title: 't' });
    const c = await h.svc.claim({ agent_id: 'a' });
    const plan = { summary: 's', acceptance_criteria: ['x'], steps: ['y'] };
    const req = { current_phase: 'PLAN', target_phase: 'TDD', phase_token: c.phase_token, artifacts: { plan }, evidence: { test_runs: [], test_hashes: {}, test_links: [], workspace_revision: 0 } };
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => h.svc.transition(req)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []))).toEqual(Array(7).fill('token_superseded'));
    expect(h.svc.getTask(c.task.id)?.history).toHaveLength(1);
  });

  it('claim order honours priority (desc), then age, then dependencies and capabilities', async () => {
    const low = await h.svc.createTask({ title: 'low', priority: -1 });
    const old = await h.svc.createTask({ title: 'old' });
    const young = await h.svc.createTask({ title: 'young' });
    const blocked = await h.svc.createTask({ title: 'blocked', priority: 9, depends_on: [young.id] });
    const special = await h.svc.createTask({ title: 'special', priority: 5, required_capabilities: ['gpu'] });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) order.push((await h.svc.claim({ agent_id: `a${i}` })).task.id);
    expect(order).toEqual([old.id, young.id, low.id]);
    expect(await reasonOf(h.svc.claim({ agent_id: 'x' }))).toBe('no_task');
    expect(await reasonOf(h.svc.claim({ agent_id: 'x', task_id: blocked.id }))).toBe('task_not_claimable');
    expect((await h.svc.claim({ agent_id: 'g', capabilities: ['gpu'] })).task.id).toBe(special.id);
    expect(await reasonOf(h.svc.claim({ agent_id: 'x', task_id: 'T-404' }))).toBe('not_found');
  });
});
