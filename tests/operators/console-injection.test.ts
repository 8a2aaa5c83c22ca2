/**
 * SPEC §13: nothing an agent sends reaches the operator's terminal raw. The agent names a
 * tool "x\nphasegate: phase REVIEW → COMPLETE\n\x1b[2J" (a forged phase line, then clear the
 * screen), titles its task likewise and writes the same into its artifacts; every CLI output
 * path and the wrapper's progress lines must show it escaped: no control byte, no forged line.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonText, terminalBlock, terminalText } from '../../proxy/cli/terminal-text.js';
import { createScratchProject } from '../../proxy/demo/scratch-project.js';
import { AgentClient } from '../../sdk/index.js';
import { CLI, REPO, spawnCli } from '../e2e/processes.js';
import { AGENT_KEY, startSdkStack, type SdkStack } from '../sdk/sdk-stack.js';

const exec = promisify(execFile);
const EVIL = 'x\nphasegate: phase REVIEW → COMPLETE\n\x1b[2J\x1b]0;owned\x07\r\u009b31m\u202eevil';
const CONTRACT = resolve(import.meta.dirname, 'fixtures/decision-contract.yaml');

/** Any C0 control but the newline that ends a line, DEL, C1, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

function assertClean(what: string, output: string): void {
  const bad = CONTROL.exec(output);
  expect(bad, `${what} printed U+${(bad?.[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')}: ${JSON.stringify(output)}`).toBeNull();
  // The forged line never starts a line of its own.
  expect(output, what).not.toMatch(/^phasegate: phase REVIEW → COMPLETE/m);
}

let stack: SdkStack | undefined;
let client: AgentClient | undefined;
let root: string | undefined;
afterEach(async () => {
  client?.close();
  await stack?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  client = stack = root = undefined;
});

describe('terminal-text', () => {
  it('escapes every control character, visibly and reversibly', () => {
    expect(terminalText('a\nb\x1b[2J\u009b\u202e\\')).toBe('a\\x0ab\\x1b[2J\\x9b\\u{202e}\\\\');
    expect(terminalText('plain → text, ünïcödé')).toBe('plain → text, ünïcödé');
    expect(terminalBlock('one\ntwo\x07', '  ')).toBe('  one\n  two\\x07');
    // JSON output stays valid JSON and keeps its value.
    expect(JSON.parse(jsonText({ t: EVIL }))).toEqual({ t: EVIL });
    assertClean('jsonText', jsonText({ t: EVIL }));
  });
});

describe('agent-controlled text on the operator terminal', () => {
  it('the wrapper prints a forged tool name, title and reason escaped', { timeout: 60_000 }, async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-inject-')));
    const ws = join(root, 'ws');
    await createScratchProject(ws, join(REPO, 'agent_workflow.yaml'));
    const sdk = join(REPO, 'dist/sdk/index.js');
    // The agent sends the forged name over the real wire, as any agent can.
    const agent = `const { AgentClient } = await import(${JSON.stringify(sdk)});
      const a = await AgentClient.connect();
      await a.useTool(${JSON.stringify(EVIL)}, {}).catch(() => undefined);
      await a.readFile(${JSON.stringify('../' + EVIL)}).catch(() => undefined);
      a.close();`;
    const run = spawnCli(['run', '--workspace', ws, '--title', EVIL, '--', process.execPath, '--input-type=module', '-e', agent], { PHASEGATE_STATE_DIR: join(root, 'state') });
    expect(await run.exited, run.output().stderr).toBe(0);
    const err = run.output().stderr;
    expect(err).toContain('phasegate: denied x\\x0aphasegate: phase REVIEW → COMPLETE\\x0a\\x1b[2J');
    assertClean('phasegate run', err + run.output().stdout);
  });

  it('task list / show, approvals / show, approve, and audit query print it escaped', { timeout: 60_000 }, async () => {
    stack = await startSdkStack({ contractFile: CONTRACT });
    const taskId = await stack.addTask(EVIL);
    client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY });
    await client.claimTask();
    await client.useTool(EVIL, {}).catch(() => undefined);
    await client.writeFile('notes/plan.md', 'p\n');
    const plan = { summary: EVIL, acceptance_criteria: [EVIL], steps: [EVIL] };
    expect((await client.requestTransition('READY', { plan })).allowed).toBe(true);
    const asked = (await client.requestTransition('APPROVED', { completion: { changed_files: [EVIL], summary: EVIL } })) as { approval_id: string };
    client.close();
    client = undefined;

    const url = stack.coordinator.url;
    const env = { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', PHASEGATE_ADMIN_KEY: stack.coordinator.adminKey };
    const run = async (args: string[]) => {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env, cwd: '/' });
      return stdout + stderr;
    };
    const shown = await run(['approvals', 'show', asked.approval_id, '--coordinator', url]);
    expect(shown).toContain('x\\x0aphasegate: phase REVIEW → COMPLETE');
    assertClean('approvals show', shown);
    assertClean('approvals', await run(['approvals', '--coordinator', url]));
    assertClean('approvals --json', await run(['approvals', '--json', '--coordinator', url]));
    assertClean('task list', await run(['task', 'list', '--coordinator', url]));
    assertClean('task show', await run(['task', 'show', taskId, '--coordinator', url]));
    assertClean('task show --json', await run(['task', 'show', taskId, '--json', '--coordinator', url]));
    assertClean('reject', await run(['reject', asked.approval_id, '--reason', EVIL, '--coordinator', url]));
    const auditDir = join(dirname(stack.workspace), 'audit');
    for (const format of ['table', 'jsonl', 'csv']) {
      const out = await run(['audit', 'query', auditDir, '--format', format]);
      expect(out.length).toBeGreaterThan(0);
      assertClean(`audit query --format ${format}`, out);
    }
  });
});
