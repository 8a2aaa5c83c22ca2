/** `phasegate demo` (what `npm run demo` runs) as a user sees it, and the shell-only curl agent. */
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit, type AuditRecord } from '../../proxy/audit/index.js';
import { createScratchProject } from '../../proxy/demo/scratch-project.js';
import { REPO, processesInside, spawnCli } from './processes.js';

let root: string | undefined;

afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('phasegate demo', () => {
  it('walks the task to COMPLETE and prints the summary', { timeout: 60_000 }, async () => {
    const started = Date.now();
    const demo = spawnCli(['demo']);
    const code = await demo.exited;
    const { stdout, stderr } = demo.output();
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^phasegate demo: OK/);
    expect(stdout).toContain('phases walked: PLAN → TDD → IMPL → REVIEW → COMPLETE');
    expect(stdout).toContain('phases walked: REVIEW → COMPLETE'); // the spawned review task
    for (const gate of ['plan_ready', 'tests_fail_first', 'implementation_done', 'review_passed']) expect(stdout).toContain(gate);
    for (const reason of ['path_not_permitted: 3', 'path_outside_workspace: 1', 'shell_operator: 1', 'command_not_permitted: 1', 'tool_forbidden: 1']) {
      expect(stdout).toContain(`denied ${reason}`);
    }
    expect(stdout.match(/audit verify .*: ok \d+ records/g)).toHaveLength(2);
    // The evidence chain of the completed task, as `phasegate task show ID --evidence` prints it.
    for (const link of ['red run', 'test lock', 'green run', 'review ', 'approval ']) expect(stdout).toMatch(new RegExp(`\\n +${link} `));
    expect(stdout).toContain('chain complete: red run → test lock → green run → review verdicts → approval');
    expect(stderr).toMatch(/AUTO-APPROVING because this is the demo/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('examples/curl-agent.sh', () => {
  it('reads over POST /api/v1/tools/execute and gets a 403 for a forbidden write', { timeout: 30_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-curl-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const state = join(root, 'state');
    const run = spawnCli(['run', '--workspace', ws, '--title', 'Look around', '--', 'sh', join(REPO, 'examples/curl-agent.sh')], { PHASEGATE_STATE_DIR: state });
    const code = await run.exited;
    const { stderr } = run.output();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/write_file .* → HTTP 403 .*path_not_permitted/);
    const denied: AuditRecord[] = [];
    // The audit log lives in the state dir, outside the workspace (SPEC §9).
    for await (const r of queryAudit(join(state, 'audit'), { decision: 'deny' })) denied.push(r);
    await expect(readFile(join(ws, '.phasegate', 'audit', 'tool_audit.jsonl'))).rejects.toThrow(/ENOENT/);
    expect(denied.map((r) => [r.tool, r.reason, (r.args as { path?: string }).path])).toEqual([['write_file', 'path_not_permitted', 'src/hack.js']]);
    await expect(readFile(join(ws, 'src/hack.js'))).rejects.toThrow(/ENOENT/);
    expect(processesInside(root)).toEqual([]);
  });
});
