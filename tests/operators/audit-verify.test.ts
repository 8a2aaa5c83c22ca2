/**
 * `audit verify --checkpoints` checks every agent of a shared log (one `phasegate run` after
 * another writes the state dir's audit log, each under its own agent id), not only the first:
 * cutting the LAST agent's records short is caught, with the read-only auditor key. Also the
 * new `audit query` filters and formats.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { run, type AuditIo } from '../../proxy/cli/commands/audit.js';
import { startSidecar } from '../../proxy/sidecar/index.js';
import { AgentClient } from '../../sdk/index.js';
import { cleanedAfterEach, startTest, type TestCoordinator } from '../coordinator/http/helpers.js';

const AGENT_KEY = 'operators-audit-agent-key-0123456789';
const left = cleanedAfterEach();

function io(env: Record<string, string> = {}): AuditIo & { out: () => string } {
  let text = '';
  return { stdout: { write: (chunk: string) => (text += chunk) }, env, out: () => text };
}

/** Three agents, one after the other, each through its own sidecar, into one audit dir. */
async function threeAgents(): Promise<{ audit: string; coordinator: TestCoordinator }> {
  const root = (left.root = await mkdtemp(join(tmpdir(), 'phasegate-audit-agents-')));
  const ws = join(root, 'ws');
  await mkdir(ws);
  await writeFile(join(ws, 'README.md'), '# ws\n');
  const coordinator = await startTest();
  left.c = coordinator;
  const audit = join(root, 'state', 'audit');
  for (const agent of ['first', 'second', 'third']) {
    await coordinator.admin('POST', '/api/v1/tasks', { title: `for ${agent}`, acceptance_criteria: ['x'] });
    const sidecar = await startSidecar({
      coordinatorUrl: coordinator.url,
      agentId: agent,
      workspace: ws,
      auditDir: audit,
      agentKey: AGENT_KEY,
      sidecarKey: coordinator.sidecarKey,
      logger: createLogger('audit-agents', 'silent'),
    });
    const client = await AgentClient.connect({ url: sidecar.url, agentKey: AGENT_KEY });
    await client.claimTask();
    for (let i = 0; i < 3; i++) await client.readFile('README.md');
    await client.writeFile('src/app.js', 'x').catch(() => undefined); // denied in PLAN
    client.close();
    await sidecar.close(); // sends its last checkpoint
  }
  return { audit, coordinator };
}

describe('audit verify --checkpoints over a log of several agents', () => {
  it('compares every agent\'s checkpoints and names how many, with the auditor key', { timeout: 60_000 }, async () => {
    const { audit, coordinator } = await threeAgents();
    const out = io({ PHASEGATE_AUDITOR_KEY: coordinator.auditorKey });
    expect(await run(['verify', audit, '--checkpoints', coordinator.url], out)).toBe(0);
    const m = /^ok (\d+) records, (\d+) checkpoints \(3 agents\)\n$/.exec(out.out());
    expect(m, out.out()).not.toBeNull();
    const checkpoints = (await coordinator.admin('GET', '/api/v1/checkpoints')).body.checkpoints as unknown[];
    expect(Number(m?.[2])).toBe(checkpoints.length);

    // The last agent is cut short: only its own checkpoints notice.
    const live = join(audit, 'tool_audit.jsonl');
    const lines = (await readFile(live, 'utf8')).trimEnd().split('\n');
    const firstOfThird = lines.findIndex((l) => (JSON.parse(l) as { agent_id: string }).agent_id === 'third');
    await writeFile(live, lines.slice(0, firstOfThird + 2).join('\n') + '\n');
    const onlyFirst = io({ PHASEGATE_AUDITOR_KEY: coordinator.auditorKey });
    expect(await run(['verify', audit, '--checkpoints', coordinator.url, '--agent', 'first'], onlyFirst)).toBe(0);
    const all = io({ PHASEGATE_AUDITOR_KEY: coordinator.auditorKey });
    expect(await run(['verify', audit, '--checkpoints', coordinator.url], all)).toBe(1);
    expect(all.out()).toMatch(/: checkpoint_not_reached \(log ends at seq \d+, coordinator holds seq \d+\)\n$/);
  });

  it('a folder of logs (a state dir) is checked chain by chain', { timeout: 60_000 }, async () => {
    const { audit, coordinator } = await threeAgents();
    const out = io({ PHASEGATE_AUDITOR_KEY: coordinator.auditorKey });
    expect(await run(['verify', join(audit, '..'), '--checkpoints', coordinator.url], out)).toBe(0);
    expect(out.out()).toMatch(/^ok \d+ records, \d+ checkpoints \(3 agents\)\n$/);
  });

  it('a wrong key names what it needs', { timeout: 60_000 }, async () => {
    const { audit, coordinator } = await threeAgents();
    await expect(run(['verify', audit, '--checkpoints', coordinator.url], io({ PHASEGATE_AUDITOR_KEY: 'not-a-key-of-this-coordinator' }))).rejects.toThrow(
      /HTTP 401: the key is not this coordinator's auditor or admin key/,
    );
  });
});

describe('audit query filters and formats', () => {
  it('--type, --phase, --reason and --format table|jsonl|csv', { timeout: 60_000 }, async () => {
    const { audit } = await threeAgents();
    const jsonl = io();
    expect(await run(['query', audit, '--type', 'call', '--reason', 'path_not_permitted', '--phase', 'PLAN'], jsonl)).toBe(0);
    const denied = jsonl.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { agent_id: string; tool: string; decision: string });
    expect(denied.map((r) => [r.agent_id, r.tool, r.decision])).toEqual([
      ['first', 'write_file', 'deny'],
      ['second', 'write_file', 'deny'],
      ['third', 'write_file', 'deny'],
    ]);
    const table = io();
    await run(['query', audit, '--type', 'session', '--agent', 'second', '--format', 'table'], table);
    expect(table.out()).toMatch(/^SEQ +TS +TYPE +AGENT_ID +TASK_ID +PHASE +TOOL +DECISION +REASON\n/);
    expect(table.out()).toMatch(/^\d+ +\S+ +session +second +.*sidecar_started$/m);
    const csv = io();
    await run(['query', audit, '--reason', 'path_not_permitted', '--format', 'csv'], csv);
    expect(csv.out().split('\n')[0]).toBe('seq,ts,type,agent_id,task_id,phase,tool,decision,reason');
    expect(csv.out()).toMatch(/^\d+,[^,]+,call,first,T-1,PLAN,write_file,deny,path_not_permitted$/m);
    await expect(run(['query', audit, '--format', 'xml'], io())).rejects.toThrow(/--format must be table, jsonl or csv/);
    await expect(run(['query', audit, '--type', 'nope'], io())).rejects.toThrow(/--type must be one of/);
  });
});
