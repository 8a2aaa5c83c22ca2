/** Helpers for the evidence attack tests (issue 10): more agents on the same stack, and the steps of the default walk. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSidecar } from '../../proxy/sidecar/index.js';
import { AGENT_KEY, RawAgent, silent, type Stack } from './stack.js';

export const IMPLEMENTATION = { changed_files: ['src/app.js'], notes: 'fixed' };
export const BLOCKING_REVIEW = { verdict: 'request_changes', issues: [{ severity: 'blocking', message: 'subtraction is still wrong' }] };
export const APPROVE = { verdict: 'approve', issues: [] };
export const FIXED = 'module.exports = { add: (a, b) => a + b };\n';
export const BROKEN = 'module.exports = { add: (a, b) => a - b };\n';

/** Another agent behind its own sidecar on the same coordinator and workspace, with what the operator granted it. */
export async function otherAgent(stack: Stack, agentId: string, cleanup: (() => Promise<void>)[], capabilities?: string[]): Promise<RawAgent> {
  const sidecar = await startSidecar({
    coordinatorUrl: stack.coordinator.url,
    agentId,
    workspace: stack.workspace,
    auditDir: join(stack.auditDir, '..', `audit-${agentId}`),
    agentKey: AGENT_KEY,
    sidecarKey: stack.coordinator.sidecarKey,
    env: stack.env,
    logger: silent,
    ...(capabilities === undefined ? {} : { capabilities }),
  });
  const agent = await RawAgent.connect(sidecar.url, AGENT_KEY);
  cleanup.push(async () => {
    agent.close();
    await sidecar.close();
  });
  return agent;
}

/** Writes `content` to src/app.js through the wire. */
export async function writeSource(agent: RawAgent, token: string, content: string): Promise<void> {
  await agent.ok('tool.call', { token, tool: 'write_file', args: { path: 'src/app.js', content } });
}

export async function runTests(agent: RawAgent, token: string): Promise<{ exit_code: number; passed: number; failed: number }> {
  return agent.ok('tool.call', { token, tool: 'run_tests', args: {} });
}

/** The coordinator's view of a task (admin route). */
export async function taskRecord(stack: Stack, id: string): Promise<any> {
  const r = await stack.admin('GET', `/api/v1/tasks/${id}`);
  return r.body.task ?? r.body;
}

/**
 * Makes the workspace a node:test project (`npm test` → `node --test tests/`), the operator's
 * choice. `tests/`: a bare `node --test` scans the whole workspace and stops at the fixture's
 * dangling `link-out` symlink (its target is not in the command sandbox).
 */
export async function useNodeTest(stack: Stack): Promise<void> {
  await writeFile(join(stack.workspace, 'package.json'), JSON.stringify({ name: 'fixture', private: true, scripts: { test: 'node --test tests/' } }, null, 2));
  await writeFile(join(stack.workspace, 'tests/run.js'), '// replaced by tests/*.test.mjs in this project\n');
}

export const codes = (r: { blockers?: { code: string }[] }) => (r.blockers ?? []).map((b) => b.code);
