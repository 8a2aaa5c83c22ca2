/** The SDK rides out a sidecar restart, and waits through a human approval. */
import { afterEach, describe, expect, it } from 'vitest';
import { AgentClient, ConnectionError } from '../../sdk/index.js';
import { AGENT_KEY, startSdkStack, type SdkStack } from './sdk-stack.js';

let stack: SdkStack | undefined;
let client: AgentClient | undefined;

afterEach(async () => {
  client?.close();
  await stack?.close();
  client = undefined;
  stack = undefined;
});

describe('connection lifecycle', () => {
  it('reconnects after the sidecar restarts on the same port', async () => {
    stack = await startSdkStack();
    const taskId = await stack.addTask();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    await client.claimTask();
    await client.writeFile('notes/before.md', 'before\n');

    await stack.restartSidecar();
    // A restarted sidecar knows no task: whoever restarts it claims the agent's task again.
    await stack.sidecar.claim({ task_id: taskId });

    await expect(client.writeFile('notes/after.md', 'after\n')).resolves.toEqual({ bytes: 6 });
    await expect(client.readFile('notes/before.md')).resolves.toEqual({ content: 'before\n', bytes: 7 });
  });

  it('waitForPhase learns of an approval that landed while the sidecar was down', async () => {
    stack = await startSdkStack();
    const taskId = await stack.addTask();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    await client.claimTask();
    expect((await client.requestTransition('READY')).allowed).toBe(true);
    const asked = (await client.requestTransition('APPROVED')) as { approval_id: string };
    const waiting = client.waitForPhase('APPROVED', 15_000);

    // The approval lands while no sidecar can tell the agent: no phase.changed is ever sent.
    await stack.sidecar.close();
    expect((await stack.admin('POST', `/api/v1/approvals/${asked.approval_id}/approve`, {})).status).toBe(200);
    await stack.restartSidecar();
    await stack.sidecar.claim({ task_id: taskId });

    await expect(waiting).resolves.toBe('APPROVED'); // from the status read after reconnecting
    expect(client.phase).toBe('APPROVED');
  });

  it('without reconnect, a call after the sidecar is gone is a ConnectionError', async () => {
    stack = await startSdkStack();
    await stack.addTask();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY, reconnect: false });
    await client.claimTask();
    await stack.sidecar.close();
    const err = await client.readFile('README.md').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
  });

  it('waitForPhase resolves when an admin approves over HTTP', async () => {
    stack = await startSdkStack();
    const taskId = await stack.addTask();
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    await client.claimTask();
    expect((await client.requestTransition('READY')).allowed).toBe(true);
    const readyToken = client.token;

    const asked = await client.requestTransition('APPROVED');
    expect(asked).toMatchObject({ allowed: false, status: 'awaiting_approval' });
    const approvalId = (asked as { approval_id: string }).approval_id;
    let settled = false;
    const waiting = client.waitForPhase('APPROVED', 10_000).then((p) => ((settled = true), p));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false); // nothing happens until a human decides

    const pending = await stack.admin('GET', '/api/v1/approvals');
    expect(JSON.stringify(pending.body)).toContain(approvalId);
    const decided = await stack.admin('POST', `/api/v1/approvals/${approvalId}/approve`, { note: 'looks good' });
    expect(decided.status).toBe(200);

    await expect(waiting).resolves.toBe('APPROVED');
    expect(client.phase).toBe('APPROVED');
    expect(client.token).not.toBe(readyToken);
    // The new token is good for the new phase, and for the next transition.
    await expect(client.readFile('README.md')).resolves.toMatchObject({ bytes: 21 });
    expect(await client.requestTransition('DONE')).toMatchObject({ allowed: true, phase: 'DONE' });
    const task = await stack.admin('GET', `/api/v1/tasks/${taskId}`);
    expect(task.body.task).toMatchObject({ phase: 'DONE', status: 'completed' });
  });
});
