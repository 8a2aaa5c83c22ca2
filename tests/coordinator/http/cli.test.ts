/** The admin CLI (`task`, `approve`, `reject`) as a user runs it: the compiled executable against a live coordinator. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from './child-coordinator.js';
import { CYCLE_CONTRACT, NO_EVIDENCE, startTest, type TestCoordinator } from './helpers.js';

const exec = promisify(execFile);
let c: TestCoordinator;
beforeEach(async () => {
  c = await startTest({ contractText: CYCLE_CONTRACT });
});
afterEach(async () => {
  await c.dispose();
});

async function cli(args: string[], key: string | undefined = c.adminKey): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', PHASEGATE_ADMIN_KEY: key ?? '' };
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args, '--coordinator', c.url], { env, cwd: c.dataDir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.skipIf(!existsSync(CLI))('phasegate task / approve / reject', () => {
  it('adds a task, lists it and shows it with its history', async () => {
    const added = await cli(['task', 'add', 'Write docs', '--criteria', 'a', '--criteria', 'b', '--priority', '3']);
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    const task = (await c.admin('GET', `/api/v1/tasks/${id}`)).body.task;
    expect(task).toMatchObject({ title: 'Write docs', acceptance_criteria: ['a', 'b'], priority: 3 });
    const list = await cli(['task', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+pending\\s+A\\s+3`, 'm'));
    const json = JSON.parse((await cli(['task', 'list', '--json'])).stdout);
    expect(json.tasks.map((t: { id: string }) => t.id)).toEqual([id]);
    const shown = await cli(['task', 'show', id]);
    expect(shown.stdout).toContain('history:');
    expect(shown.stdout).toContain('status:     pending');
  });

  it('approves and rejects pending approvals', async () => {
    const park = async () => {
      const id = (await c.admin('POST', '/api/v1/tasks', { title: 'T' })).body.task.id;
      const claimed = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: `a-${id}`, task_id: id });
      const step = (token: string, from: string, to: string) =>
        c.sidecar('POST', '/api/v1/tasks/transition', { current_phase: from, target_phase: to, phase_token: token, artifacts: {}, evidence: NO_EVIDENCE });
      const b = await step(claimed.body.phase_token, 'A', 'B');
      return { id, approval: (await step(b.body.new_token, 'B', 'COMPLETE')).body.approval_id as string };
    };
    const one = await park();
    const approved = await cli(['approve', one.approval, '--note', 'fine']);
    expect(approved.code).toBe(0);
    expect((await c.admin('GET', `/api/v1/tasks/${one.id}`)).body.task.phase).toBe('COMPLETE');
    const two = await park();
    expect((await cli(['reject', two.approval])).code).toBe(2); // --reason is required
    const rejected = await cli(['reject', two.approval, '--reason', 'no tests', '--json']);
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout).approval.status).toBe('rejected');
    // Deciding again: the coordinator's refusal reason is printed, exit 1.
    const again = await cli(['approve', two.approval]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('approval_not_pending');
  });

  it('exits 2 on a bad flag and 1 with the reason on a wrong key', async () => {
    expect((await cli(['task', 'list', '--bogus'])).code).toBe(2);
    const wrong = await cli(['task', 'list'], 'wrong-key-wrong-key-wrong');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('unauthorized');
  });
});
