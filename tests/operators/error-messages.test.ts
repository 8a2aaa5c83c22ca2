/**
 * Errors name what the reader needs (issue 11 §5): what the phase allows when it refuses, the
 * task a dependency waits on, the coordinator URL that did not answer. Over the real wire,
 * against the default contract.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { createCoordinatorClient } from '../../proxy/sidecar/coordinator-client.js';
import { startSidecar, type Sidecar } from '../../proxy/sidecar/index.js';
import { AgentClient, PolicyDeniedError } from '../../sdk/index.js';
import { startTest, type TestCoordinator } from '../coordinator/http/helpers.js';

const AGENT_KEY = 'operators-errors-agent-key-0123456789';
let c: TestCoordinator | undefined;
let sidecar: Sidecar | undefined;
let client: AgentClient | undefined;
let root: string | undefined;
afterEach(async () => {
  client?.close();
  await sidecar?.close();
  await c?.dispose();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  c = sidecar = client = root = undefined;
});

async function agentOn(coordinator: TestCoordinator): Promise<AgentClient> {
  root = await mkdtemp(join(tmpdir(), 'phasegate-errors-'));
  const ws = join(root, 'ws');
  await mkdir(ws);
  await writeFile(join(ws, 'package.json'), '{"scripts":{"test":"node --test"}}\n');
  sidecar = await startSidecar({
    coordinatorUrl: coordinator.url,
    agentId: 'a1',
    workspace: ws,
    auditDir: join(root, 'audit'),
    agentKey: AGENT_KEY,
    sidecarKey: coordinator.sidecarKey,
    logger: createLogger('errors', 'silent'),
  });
  return AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY });
}

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as PolicyDeniedError);

describe('refusals say what the phase allows', () => {
  it('path, command and tool refusals list the allowed paths, commands and tools', { timeout: 30_000 }, async () => {
    c = await startTest();
    await c.admin('POST', '/api/v1/tasks', { title: 'T', acceptance_criteria: ['works'] });
    client = await agentOn(c);
    await client.claimTask();
    const path = await refusal(client.writeFile('src/app.js', 'x'));
    expect(path?.reason).toBe('path_not_permitted');
    expect(path?.message).toMatch(/^path not permitted in phase PLAN: src\/app\.js — allowed: docs\/plans\/\*\*/);
    const tool = await refusal(client.runTests());
    expect(tool?.message).toMatch(/^run_tests is (forbidden|not allowed) in phase PLAN — allowed in PLAN: .*read_file.*write_file/);

    await client.writeFile('docs/plans/p.md', 'plan\n');
    const plan = { summary: 's', acceptance_criteria: ['works'], steps: ['do'] };
    expect((await client.requestTransition('TDD', { plan })).allowed).toBe(true);
    const command = await refusal(client.runCommand('npm run build'));
    expect(command?.reason).toBe('command_not_permitted');
    expect(command?.message).toMatch(/^command not permitted in phase TDD: npm run build — allowed: git status, git diff/);
  });
});

describe('claims and the coordinator connection', () => {
  it('a claim refused by a dependency names the task it waits on and its status', async () => {
    c = await startTest();
    const first = (await c.admin('POST', '/api/v1/tasks', { title: 'first' })).body.task.id as string;
    const second = (await c.admin('POST', '/api/v1/tasks', { title: 'second', depends_on: [first] })).body.task.id as string;
    const res = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a1', task_id: second });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ reason: 'task_not_claimable', message: `task ${second} cannot be claimed: it waits on ${first} (pending)` });
    await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a2', task_id: first });
    const held = await c.sidecar('POST', '/api/v1/tasks/claim', { agent_id: 'a3', task_id: first });
    expect(held.body.error.message).toMatch(new RegExp(`^task ${first} cannot be claimed: it is held by a2 until \\d{4}-`));
  });

  it('an unreachable coordinator is named by URL and cause', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const client = createCoordinatorClient({ baseUrl: `http://127.0.0.1:${port}`, sidecarKey: 'k'.repeat(32) });
    await expect(client.contract()).rejects.toThrow(`coordinator unreachable at http://127.0.0.1:${port} (ECONNREFUSED) on GET /api/v1/contract`);
  });
});
