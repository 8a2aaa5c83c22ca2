/**
 * The operator's commands as a user runs them (the compiled executable against a live
 * coordinator and sidecar): approvals / approvals show, task release / cancel / list,
 * --version, and the errors that name what is missing.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentClient } from '../../sdk/index.js';
import { CLI } from '../e2e/processes.js';
import { AGENT_KEY, eventually, startSdkStack, type SdkStack } from '../sdk/sdk-stack.js';

const exec = promisify(execFile);
const CONTRACT = resolve(import.meta.dirname, '../operators/fixtures/decision-contract.yaml');
const PLAN = { summary: 'ship it', acceptance_criteria: ['it ships'], steps: ['ship'] };
const COMPLETION = { changed_files: ['notes/plan.md'], summary: 'the summary the approver reads' };

let stack: SdkStack | undefined;
let client: AgentClient | undefined;
afterEach(async () => {
  client?.close();
  await stack?.close();
  client = stack = undefined;
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', PHASEGATE_ADMIN_KEY: stack?.coordinator.adminKey ?? '' };
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { ...base, ...env }, cwd: '/' });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function parked(s: SdkStack): Promise<{ taskId: string; approvalId: string }> {
  const taskId = await s.addTask('Add sum()');
  client = await AgentClient.connect({ url: s.sidecar.url, agentKey: AGENT_KEY });
  await client.claimTask();
  await client.writeFile('notes/plan.md', 'the plan\n');
  expect((await client.requestTransition('READY', { plan: PLAN })).allowed).toBe(true);
  const asked = (await client.requestTransition('APPROVED', { completion: COMPLETION })) as { approval_id: string };
  return { taskId, approvalId: asked.approval_id };
}

describe('phasegate approvals', () => {
  it('lists pending approvals and shows one with its artifacts as text and the files changed', { timeout: 30_000 }, async () => {
    stack = await startSdkStack({ contractFile: CONTRACT });
    const { taskId, approvalId } = await parked(stack);
    const url = stack.coordinator.url;
    const list = await cli(['approvals', '--coordinator', url]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${approvalId}\\s+${taskId}\\s+READY → APPROVED\\s+sdk-agent\\s+\\S+\\s+Add sum\\(\\)$`, 'm'));
    const json = JSON.parse((await cli(['approvals', '--json', '--coordinator', url])).stdout);
    expect(json.approvals.map((a: { id: string }) => a.id)).toEqual([approvalId]);

    const shown = await cli(['approvals', 'show', approvalId, '--coordinator', url]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`approval ${approvalId}: task ${taskId} "Add sum()", READY → APPROVED`);
    expect(shown.stdout).toMatch(/^plan:\n {4}summary: ship it\n {4}acceptance_criteria:\n {6}- it ships/m);
    expect(shown.stdout).toContain('summary: the summary the approver reads');
    expect(shown.stdout).toMatch(/files changed \(as the sidecar recorded them\): \n {4}notes\/plan\.md$/m);

    // The read-only auditor key may look, but not decide.
    const auditorEnv = { PHASEGATE_ADMIN_KEY: '', PHASEGATE_AUDITOR_KEY: stack.coordinator.auditorKey };
    expect((await cli(['approvals', 'show', approvalId, '--coordinator', url], auditorEnv)).code).toBe(0);
    const refused = await cli(['approve', approvalId, '--coordinator', url], auditorEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no admin key: set PHASEGATE_ADMIN_KEY');

    const approved = await cli(['approve', approvalId, '--coordinator', url], { USER: 'alice' });
    expect(approved.stdout).toMatch(new RegExp(`^approved ${approvalId}: task ${taskId} READY → APPROVED \\(by admin:[0-9a-f]{12} \\(\\w+\\)\\)$`, 'm'));
    expect((await cli(['approvals', '--coordinator', url])).stdout).toBe('no pending approvals\n');
  });

  it('reads the admin key from PHASEGATE_ADMIN_KEY_FILE', async () => {
    stack = await startSdkStack({ contractFile: CONTRACT });
    const file = stack.coordinator.keyFiles.admin as string;
    const res = await cli(['approvals', '--coordinator', stack.coordinator.url], { PHASEGATE_ADMIN_KEY: '', PHASEGATE_ADMIN_KEY_FILE: file });
    expect(res.code, res.stderr).toBe(0);
    const missing = await cli(['approvals', '--coordinator', stack.coordinator.url], { PHASEGATE_ADMIN_KEY: '', PHASEGATE_ADMIN_KEY_FILE: '/nope/admin.key' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read PHASEGATE_ADMIN_KEY_FILE /nope/admin.key: ENOENT');
  });
});

describe('phasegate task release / cancel / list', () => {
  it('release gives a held task back: the agent loses it and the list shows nobody holding it', { timeout: 30_000 }, async () => {
    stack = await startSdkStack({ contractFile: CONTRACT });
    const taskId = await stack.addTask('held');
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    const lost: string[] = [];
    client.on((n) => lost.push(n.method));
    await client.claimTask();
    const url = stack.coordinator.url;
    const before = await cli(['task', 'list', '--coordinator', url]);
    expect(before.stdout).toMatch(new RegExp(`^${taskId}\\s+claimed\\s+DRAFT\\s+0\\s+sdk-agent\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+-\\s+held$`, 'm'));
    const released = await cli(['task', 'release', taskId, '--coordinator', url]);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toMatch(new RegExp(`^released ${taskId}: pending in DRAFT`));
    await eventually(() => lost.includes('lease.lost'));
    expect((await cli(['task', 'list', '--coordinator', url])).stdout).toMatch(new RegExp(`^${taskId}\\s+pending\\s+DRAFT\\s+0\\s+-\\s+-\\s+-\\s+held$`, 'm'));
  });

  it('cancel ends a task for good, rejects its pending approval, and needs a reason', { timeout: 30_000 }, async () => {
    stack = await startSdkStack({ contractFile: CONTRACT });
    const { taskId, approvalId } = await parked(stack);
    const url = stack.coordinator.url;
    const noReason = await cli(['task', 'cancel', taskId, '--coordinator', url]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    const waiting = (client as AgentClient).waitForPhase('APPROVED', 20_000).catch((e: Error) => e);
    const cancelled = await cli(['task', 'cancel', taskId, '--reason', 'superseded by T-9', '--coordinator', url]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe(`cancelled ${taskId}: status failed in READY\n`);
    expect(await waiting).toMatchObject({ reason: 'approval_rejected', data: { reason: 'task cancelled: superseded by T-9' } });
    const task = (await stack.admin('GET', `/api/v1/tasks/${taskId}`)).body.task;
    expect(task).toMatchObject({ status: 'failed', claim: null, pending_approval_id: null });
    const approval = (await stack.admin('GET', `/api/v1/approvals/${approvalId}`)).body.approval;
    expect(approval).toMatchObject({ status: 'rejected', decided_by: expect.stringMatching(/^admin:/) });
    const again = await cli(['task', 'cancel', taskId, '--reason', 'twice', '--coordinator', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`conflict: task ${taskId} is already failed`);
  });

  it('list shows which dependency a task waits on', async () => {
    stack = await startSdkStack({ contractFile: CONTRACT });
    const first = await stack.addTask('first');
    const second = (await stack.admin('POST', '/api/v1/tasks', { title: 'second', depends_on: [first] })).body.task.id as string;
    const list = await cli(['task', 'list', '--coordinator', stack.coordinator.url]);
    expect(list.stdout).toMatch(new RegExp(`^${second}\\s+pending\\s+DRAFT\\s+0\\s+-\\s+-\\s+${first}\\(pending\\)\\s+second$`, 'm'));
  });
});

describe('phasegate --version and errors that name what is missing', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const res = await cli(['--version']);
    expect(res).toMatchObject({ code: 0, stdout: `phasegate ${pkg.version}\n` });
  });

  it('an unreachable coordinator is named by URL with the cause', async () => {
    const port = await closedPort();
    const res = await cli(['task', 'list', '--coordinator', `http://127.0.0.1:${port}`], { PHASEGATE_ADMIN_KEY: 'k'.repeat(32) });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`phasegate task: coordinator_unavailable: cannot reach the coordinator at http://127.0.0.1:${port} (ECONNREFUSED); is it running? (--coordinator URL)\n`);
  });

  it('a missing admin key names the variables', async () => {
    const res = await cli(['task', 'list', '--coordinator', 'http://127.0.0.1:9'], { PHASEGATE_ADMIN_KEY: '' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^phasegate task: no admin key: set PHASEGATE_ADMIN_KEY, or PHASEGATE_ADMIN_KEY_FILE/);
  });
});
