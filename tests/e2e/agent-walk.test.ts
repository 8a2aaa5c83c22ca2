/**
 * The whole product as an operator runs it: `phasegate coordinator` and two `phasegate run`
 * wrappers as child processes, the scripted agent and the review agent behind them, and the
 * approval given over the admin HTTP API.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { createScratchProject } from '../../proxy/demo/scratch-project.js';
import { EXAMPLES, REPO, isAlive, processesInside, spawnCli, spawnCoordinator, waitFor, type CliProcess } from './processes.js';

const secret = () => randomBytes(32).toString('base64url');
const children: CliProcess[] = [];
let root: string | undefined;

afterEach(async () => {
  for (const c of children.splice(0)) if (isAlive(c.proc.pid)) c.proc.kill('SIGKILL');
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function records(dir: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of queryAudit(dir)) out.push(r);
  return out;
}

describe('phasegate end to end', () => {
  it('walks a task to COMPLETE, refuses and audits every forbidden attempt, leaves no process behind', { timeout: 90_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-e2e-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const packageJson = await readFile(join(ws, 'package.json'), 'utf8');
    const keys = { PHASEGATE_ADMIN_KEY: secret(), PHASEGATE_SIDECAR_KEY: secret(), PHASEGATE_JWT_SECRET: secret() };
    const coordinator = await spawnCoordinator(['--data', join(root, 'data'), '--contract', join(ws, 'agent_workflow.yaml')], keys);
    children.push(coordinator);
    const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
      const res = await fetch(coordinator.url + path, {
        method,
        headers: { authorization: `Bearer ${keys.PHASEGATE_ADMIN_KEY}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      expect(res.status).toBeLessThan(300);
      return res.json();
    };
    const { task } = await admin('POST', '/api/v1/tasks', { title: 'Add slugify()', acceptance_criteria: ['slugify("Hello World") is "hello-world"'] });

    // The operator's shell holds the sidecar key and JWT secret; the wrapper keeps them from the agent.
    const runEnv = { PHASEGATE_SIDECAR_KEY: keys.PHASEGATE_SIDECAR_KEY, PHASEGATE_JWT_SECRET: keys.PHASEGATE_JWT_SECRET };
    const runArgs = (agent: string, taskId: string) => ['run', '--coordinator', coordinator.url, '--workspace', ws, '--task', taskId, '--agent-id', agent, '--audit', join(root as string, 'audit', agent)];
    const author = spawnCli([...runArgs('author', task.id), '--', process.execPath, join(EXAMPLES, 'scripted-agent.js')], runEnv);
    children.push(author);

    const child = await waitFor('the spawned review task', async () => {
      const { tasks } = await admin('GET', '/api/v1/tasks');
      return (tasks as { id: string; parent_id: string | null }[]).find((t) => t.parent_id === task.id);
    });
    const reviewer = spawnCli([...runArgs('reviewer', child.id), '--capability', 'review', '--', process.execPath, join(EXAMPLES, 'review-agent.js')], runEnv);
    children.push(reviewer);
    expect(await reviewer.exited, reviewer.output().stderr).toBe(0);

    const approval = await waitFor('the approval request', async () => {
      const { approvals } = await admin('GET', '/api/v1/approvals');
      return (approvals as { id: string; task_id: string; status: string }[]).find((a) => a.task_id === task.id && a.status === 'pending');
    });
    await admin('POST', `/api/v1/approvals/${approval.id}/approve`, { note: 'e2e approval' });
    expect(await author.exited, author.output().stderr).toBe(0);
    // The operator watching `phasegate run` saw each phase change and denial as one line.
    const progress = author.output().stderr;
    expect(progress).toContain('phasegate: claimed ' + task.id);
    expect(progress).toContain('phasegate: phase TDD → IMPL');
    expect(progress).toContain('phasegate: denied write_file: path_not_permitted');
    expect(progress).toContain('phasegate: denied run_command: shell_operator');

    const done = await admin('GET', `/api/v1/tasks/${task.id}`);
    expect(done.task).toMatchObject({ phase: 'COMPLETE', status: 'completed' });
    expect(await readFile(join(ws, 'package.json'), 'utf8')).toBe(packageJson);
    await expect(readFile(join(ws, 'src/slugify.js'), 'utf8')).resolves.toContain('export function slugify');

    // Every forbidden attempt was refused, audited, and never executed (no result record).
    const log = await records(join(root, 'audit', 'author'));
    const denied = log.filter((r) => r.type === 'call' && r.decision === 'deny');
    const refusal = (phase: string, tool: string, reason: string, arg: (args: any) => boolean) =>
      denied.find((r) => r.phase === phase && r.tool === tool && r.reason === reason && arg(r.args));
    const expected = [
      refusal('PLAN', 'write_file', 'path_not_permitted', (a) => a.path === 'src/slugify.js'),
      refusal('PLAN', 'read_file', 'path_outside_workspace', (a) => a.path === '../../etc/passwd'),
      refusal('TDD', 'run_command', 'shell_operator', (a) => a.command === 'npm test; rm -rf x'),
      refusal('TDD', 'run_command', 'command_not_permitted', (a) => a.argv?.[0] === 'bash'),
      refusal('IMPL', 'edit_file', 'path_not_permitted', (a) => a.path === 'tests/slugify.test.js'),
      refusal('IMPL', 'write_file', 'path_not_permitted', (a) => a.path === 'package.json'),
    ];
    expect(expected.every((r) => r !== undefined), JSON.stringify(denied, null, 1)).toBe(true);
    expect(denied).toHaveLength(expected.length);
    const executed = new Set(log.filter((r) => r.type === 'result').map((r) => r.call_id));
    for (const r of denied) expect(executed.has(r.call_id)).toBe(false);
    const reviewLog = await records(join(root, 'audit', 'reviewer'));
    expect(reviewLog.some((r) => r.decision === 'deny' && r.tool === 'write_file' && r.reason === 'tool_forbidden')).toBe(true);

    // The premature transition was blocked at the coordinator, with the gate's check named.
    const { events } = await admin('GET', '/api/v1/events?since=0');
    const blocked = (events as { type: string; task_id: string; data: any }[]).filter((e) => e.type === 'phase_transition_blocked' && e.task_id === task.id);
    expect(blocked.map((e) => `${e.data.from}->${e.data.to}`)).toContain('TDD->IMPL');
    expect(JSON.stringify(blocked)).toContain('tests_failing');

    // The evidence chain a CI job can check later: red run → lock → green run → review → approval.
    const show = spawnCli(['task', 'show', task.id, '--evidence', '--coordinator', coordinator.url], { PHASEGATE_ADMIN_KEY: keys.PHASEGATE_ADMIN_KEY });
    expect(await show.exited, show.output().stderr).toBe(0);
    const chain = show.output().stdout;
    for (const link of [/red run +\S+: exit 1, 0 passed, 2 failed/, /test lock +locked 1 file/, /green run +\S+: exit 0, 2 passed, 0 failed/, /review +T-\d+ by reviewer: approve/, /approval +A-\d+ approved/]) {
      expect(chain).toMatch(link);
    }
    expect(chain).toMatch(/audit seq \d+ \(author\)/);
    expect(chain).not.toMatch(/MISMATCH|BROKEN/);
    expect(chain).toContain('chain complete');
    const asJson = spawnCli(['task', 'show', task.id, '--evidence', '--json', '--coordinator', coordinator.url], { PHASEGATE_ADMIN_KEY: keys.PHASEGATE_ADMIN_KEY });
    expect(await asJson.exited).toBe(0);
    expect(JSON.parse(asJson.output().stdout).chain.problems).toEqual([]);

    for (const agent of ['author', 'reviewer']) {
      const verify = spawnCli(['audit', 'verify', join(root, 'audit', agent)]);
      expect(await verify.exited).toBe(0);
      expect(verify.output().stdout).toMatch(/^ok \d+ records/);
      // …and against the chain heads the sidecar checkpointed at the coordinator.
      const checked = spawnCli(['audit', 'verify', join(root, 'audit', agent), '--checkpoints', coordinator.url, '--agent', agent], { PHASEGATE_ADMIN_KEY: keys.PHASEGATE_ADMIN_KEY });
      expect(await checked.exited).toBe(0);
    }
    // A truncated copy of a log verifies as a chain, but not against the checkpoints.
    const cut = join(root, 'audit-truncated');
    mkdirSync(cut);
    const lines = readFileSync(join(root, 'audit', 'author', 'tool_audit.jsonl'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(cut, 'tool_audit.jsonl'), lines.slice(0, -3).join('\n') + '\n');
    const plain = spawnCli(['audit', 'verify', cut]);
    expect(await plain.exited).toBe(0);
    const against = spawnCli(['audit', 'verify', cut, '--checkpoints', coordinator.url, '--agent', 'author'], { PHASEGATE_ADMIN_KEY: keys.PHASEGATE_ADMIN_KEY });
    expect(await against.exited).toBe(1);

    coordinator.proc.kill('SIGTERM');
    expect(await coordinator.exited).toBe(0);
    for (const c of [coordinator, author, reviewer]) expect(isAlive(c.proc.pid)).toBe(false);
    expect(processesInside(root)).toEqual([]);
  });
});
