/**
 * A human decision reaches the agent (SPEC §13): `approval.decided` through the sidecar, the
 * SDK's waitForPhase rejecting with the approver's reason, the reason in the agent's audit
 * log, and `decided_by` on the record and its event. Also what `GET /approvals/:id` shows.
 */
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { AgentClient, ApprovalRejectedError, type Notification } from '../../sdk/index.js';
import { AGENT_KEY, eventually, startSdkStack as startStack, type SdkStack } from '../sdk/sdk-stack.js';

const CONTRACT = join(import.meta.dirname, 'fixtures/decision-contract.yaml');
const startSdkStack = () => startStack({ contractFile: CONTRACT });
const PLAN = { summary: 'ship it', acceptance_criteria: ['it ships'], steps: ['ship'] };
const COMPLETION = { changed_files: ['notes/plan.md'], summary: 'done, honestly' };

let stack: SdkStack | undefined;
let client: AgentClient | undefined;
afterEach(async () => {
  client?.close();
  await stack?.close();
  client = stack = undefined;
});

async function auditRecords(s: SdkStack): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of queryAudit(join(dirname(s.workspace), 'audit'))) out.push(r);
  return out;
}

/** A claimed task parked at READY → APPROVED, with one file written in DRAFT. */
async function parkedTask(s: SdkStack): Promise<{ taskId: string; approvalId: string; agent: AgentClient; heard: Notification[] }> {
  const taskId = await s.addTask('decisions');
  const agent = await AgentClient.connect({ url: s.sidecar.url, agentKey: AGENT_KEY });
  const heard: Notification[] = [];
  agent.on((n) => heard.push(n));
  await agent.claimTask();
  await agent.writeFile('notes/plan.md', 'the plan\n');
  expect((await agent.requestTransition('READY', { plan: PLAN })).allowed).toBe(true);
  const asked = await agent.requestTransition('APPROVED', { completion: COMPLETION });
  expect(asked).toMatchObject({ allowed: false, status: 'awaiting_approval' });
  return { taskId, approvalId: (asked as { approval_id: string }).approval_id, agent, heard };
}

describe('approval decisions reach the agent', () => {
  it('a rejection rejects waitForPhase with the reason, is audited, and records who decided', async () => {
    stack = await startSdkStack();
    const { approvalId, agent, heard } = await parkedTask(stack);
    client = agent;
    const waiting = agent.waitForPhase('APPROVED', 30_000).then(
      () => undefined,
      (err: unknown) => err,
    );
    const res = await fetch(`${stack.coordinator.url}/api/v1/approvals/${approvalId}/reject`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.coordinator.adminKey}`, 'content-type': 'application/json', 'x-phasegate-operator': 'alice' },
      body: JSON.stringify({ reason: 'the plan skips error handling' }),
    });
    expect(res.status).toBe(200);
    const { approval } = (await res.json()) as { approval: { decided_by: string; status: string } };
    expect(approval.status).toBe('rejected');
    expect(approval.decided_by).toMatch(/^admin:[0-9a-f]{12} \(alice\)$/);

    const err = await waiting;
    expect(err).toBeInstanceOf(ApprovalRejectedError);
    expect((err as ApprovalRejectedError).reason).toBe('approval_rejected');
    expect((err as ApprovalRejectedError).data).toMatchObject({ approval_id: approvalId, reason: 'the plan skips error handling' });
    expect(heard).toContainEqual({ method: 'approval.decided', params: { approval_id: approvalId, decision: 'rejected', reason: 'the plan skips error handling' } });

    await eventually(async () => (await auditRecords(stack as SdkStack)).some((r) => r.reason === 'approval_rejected'));
    const record = (await auditRecords(stack)).find((r) => r.reason === 'approval_rejected');
    expect(record).toMatchObject({ type: 'session', args: { approval_id: approvalId, reason: 'the plan skips error handling', decided_by: approval.decided_by } });

    const events = (await stack.admin('GET', '/api/v1/events?since=0')).body.events as { type: string; data: Record<string, unknown> }[];
    expect(events.find((e) => e.type === 'approval_decided')?.data).toMatchObject({ decision: 'rejected', decided_by: approval.decided_by });
  });

  it('an approval is announced before the phase change, with decided_by recorded', async () => {
    stack = await startSdkStack();
    const { approvalId, agent, heard } = await parkedTask(stack);
    client = agent;
    const waiting = agent.waitForPhase('APPROVED', 30_000);
    const res = await stack.admin('POST', `/api/v1/approvals/${approvalId}/approve`, { note: 'fine' });
    expect(res.body.approval.decided_by).toMatch(/^admin:[0-9a-f]{12}$/);
    await expect(waiting).resolves.toBe('APPROVED');
    await eventually(() => heard.some((n) => n.method === 'approval.decided'));
    expect(heard.find((n) => n.method === 'approval.decided')?.params).toEqual({ approval_id: approvalId, decision: 'approved', reason: null });
  });

  it('GET /approvals/:id shows the artifacts as values and the files the sidecar saw change', async () => {
    stack = await startSdkStack();
    const { taskId, approvalId, agent } = await parkedTask(stack);
    client = agent;
    const shown = await stack.admin('GET', `/api/v1/approvals/${approvalId}`);
    expect(shown.status).toBe(200);
    expect(shown.body.approval).toMatchObject({ id: approvalId, status: 'pending', task_id: taskId, decided_by: null });
    expect(shown.body.task.id).toBe(taskId);
    expect(shown.body.artifacts).toEqual({ plan: PLAN, completion: COMPLETION });
    expect(shown.body.files_changed).toEqual(['notes/plan.md']);
    expect(shown.body.reviews).toEqual([]);
    // The auditor may look; nobody may look without a key.
    const auditor = await fetch(`${stack.coordinator.url}/api/v1/approvals/${approvalId}`, { headers: { authorization: `Bearer ${stack.coordinator.auditorKey}` } });
    expect(auditor.status).toBe(200);
    expect((await fetch(`${stack.coordinator.url}/api/v1/approvals/${approvalId}`)).status).toBe(401);
    expect((await stack.admin('GET', '/api/v1/approvals/A-999')).status).toBe(404);
  });
});
