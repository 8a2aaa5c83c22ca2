/** `phasegate sidecar` as an operator runs it: the compiled executable against a live coordinator. */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_KEY, startStack, type Stack } from './stack.js';

const CLI = resolve(import.meta.dirname, '../../dist/proxy/cli/main.js');
const exec = promisify(execFile);

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe.skipIf(!existsSync(CLI))('phasegate sidecar', () => {
  it('refuses to start without PHASEGATE_AGENT_KEY (exit 2)', async () => {
    stack = await startStack();
    const env = { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', PHASEGATE_SIDECAR_KEY: stack.coordinator.sidecarKey, PHASEGATE_AGENT_KEY: '' };
    const err = await exec(process.execPath, [CLI, 'sidecar', '--coordinator', stack.coordinator.url, '--agent-id', 'a', '--workspace', stack.workspace], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('PHASEGATE_AGENT_KEY');
  });

  it('prints the agent URL first, serves it with the key, stops on SIGTERM', async () => {
    stack = await startStack();
    const proc = spawn(process.execPath, [CLI, 'sidecar', '--coordinator', stack.coordinator.url, '--agent-id', 'cli-agent', '--workspace', stack.workspace, '--port', '0', '--audit', `${stack.auditDir}-cli`], {
      env: { ...process.env, PHASEGATE_LOG_LEVEL: 'silent', PHASEGATE_SIDECAR_KEY: stack.coordinator.sidecarKey, PHASEGATE_AGENT_KEY: AGENT_KEY, ...stack.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const url = await new Promise<string>((ok) => createInterface({ input: proc.stdout }).once('line', (l) => ok(l.trim())));
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/agent$/);
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${AGENT_KEY}` } });
    await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
    const reply = await new Promise<any>((ok) => {
      ws.once('message', (d) => ok(JSON.parse(String(d))));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'contract.describe', params: {} }));
    });
    expect(reply.error.data.reason).toBe('no_task');
    ws.terminate();
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
