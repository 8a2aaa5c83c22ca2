/** The wire itself: authentication, framing, frame size, every reason code, backpressure. */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_KEY, startStack, walkToImpl, type Stack } from './stack.js';
import { CHECK_MS } from '../../proxy/audit/unchecked-lines.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('upgrade accepted')));
    ws.once('error', () => undefined);
  });
}

describe('agent WebSocket', () => {
  it('refuses an upgrade without the agent key, or with a wrong one, with 401 and no socket', async () => {
    stack = await startStack();
    expect(await upgradeStatus(stack.sidecar.url, {})).toBe(401);
    expect(await upgradeStatus(stack.sidecar.url, { authorization: 'Bearer wrong-key-0123456789' })).toBe(401);
    expect(await upgradeStatus(stack.sidecar.url, { authorization: `Basic ${AGENT_KEY}` })).toBe(401);
    const wrongPath = stack.sidecar.url.replace('/agent', '/other');
    expect(await upgradeStatus(wrongPath, { authorization: `Bearer ${AGENT_KEY}` })).toBe(404);
  });

  it('malformed JSON gets -32700 and the connection survives', async () => {
    stack = await startStack();
    await stack.addTask();
    const agent = await stack.connect();
    agent.ws.send('{not json');
    agent.ws.send('[{"jsonrpc":"2.0","id":1,"method":"task.claim"}]');
    await agent.waitFor(() => agent.orphans.length === 2);
    expect(agent.orphans[0]?.error).toMatchObject({ code: -32700, data: { reason: 'parse_error' } });
    expect(agent.orphans[1]?.error).toMatchObject({ code: -32600, data: { reason: 'invalid_request' } });
    const unknown = await agent.call('task.fly', {});
    expect(unknown.error).toMatchObject({ code: -32601, data: { reason: 'method_not_found' } });
    const claim = await agent.ok('task.claim', {});
    expect(claim.phase).toBe('PLAN');
  });

  it('a frame over 8 MiB closes the socket with 1009', async () => {
    stack = await startStack();
    const agent = await stack.connect();
    const closed = new Promise<number>((resolve) => agent.ws.once('close', (code) => resolve(code)));
    agent.ws.send('x'.repeat(8 * 1024 * 1024 + 1));
    expect(await closed).toBe(1009);
    // Exactly 8 MiB is fine (it is just not JSON).
    const other = await stack.connect();
    other.ws.send(' '.repeat(8 * 1024 * 1024));
    await other.waitFor(() => other.orphans.length === 1, 10_000);
    expect(other.orphans[0]?.error?.data.reason).toBe('parse_error');
  });

  it('a flood of calls is served with bounded in-flight work and every call answered', async () => {
    stack = await startStack({ sidecar: { maxInFlight: 4 } });
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await agent.ok('task.claim');
    const replies = await Promise.all(Array.from({ length: 500 }, () => agent.call('tool.call', { token, tool: 'read_file', args: { path: 'README.md' } })));
    expect(replies.every((r) => r.result?.content === '# fixture\n')).toBe(true);
    const calls = (await stack.audit()).filter((r) => r.type === 'call');
    expect(calls).toHaveLength(500);
  });

  it('an agent that never reads its replies cannot make the sidecar run more than maxInFlight calls ahead', async () => {
    stack = await startStack({ sidecar: { maxInFlight: 4 } });
    await writeFile(join(stack.workspace, 'big.txt'), 'x'.repeat(1024 * 1024));
    await stack.addTask();
    const agent = await stack.connect();
    const { token } = await agent.ok('task.claim');
    agent.ws.pause(); // stop reading: replies pile up in the kernel, then in nobody's memory
    const replies = Array.from({ length: 100 }, () => agent.call('tool.call', { token, tool: 'read_file', args: { path: 'big.txt' } }));
    await new Promise((r) => setTimeout(r, 1000));
    const started = (await stack.audit()).filter((r) => r.type === 'call').length;
    // maxInFlight, plus the few 1 MiB replies the loopback socket buffers can hold.
    expect(started).toBeLessThan(30);
    agent.ws.resume();
    const all = await Promise.all(replies);
    expect(all.every((r) => r.result?.bytes === 1024 * 1024)).toBe(true);
    expect((await stack.audit()).filter((r) => r.type === 'call')).toHaveLength(100);
  });

  it('every reason code reaches the agent with its JSON-RPC code', async () => {
    let offsetMs = 0;
    stack = await startStack({ sidecar: { now: () => Date.now() + offsetMs } });
    const s = stack;
    await s.addTask('first');
    const agent = await s.connect();
    const seen = new Map<string, number>();
    const expectReason = async (params: unknown, reason: string, code: number, method = 'tool.call'): Promise<void> => {
      const r = await agent.call(method, params);
      expect(r.error?.data.reason, JSON.stringify(params)).toBe(reason);
      expect(r.error?.code).toBe(code);
      seen.set(reason, code);
    };
    await expectReason({ tool: 'read_file', args: { path: 'README.md' } }, 'no_task', -32010);
    const { token: planToken } = await agent.ok('task.claim');
    await expectReason({ token: planToken, tool: 'read_file', args: { path: 42 } }, 'invalid_params', -32602);
    await expectReason({ tool: 'read_file', args: { path: 'README.md' } }, 'token_missing', -32001);
    await expectReason({ token: 'a.b.c', tool: 'read_file', args: { path: 'README.md' } }, 'token_invalid', -32001);
    await expectReason({ token: planToken, tool: 'delete_file', args: { path: 'README.md' } }, 'tool_forbidden', -32003);
    await expectReason({ token: planToken, tool: 'launch_rockets', args: {} }, 'tool_not_allowed', -32003);
    await expectReason({ token: planToken, tool: 'read_file', args: { path: '../outside/secret.txt' } }, 'path_outside_workspace', -32003);
    await expectReason({ token: planToken, tool: 'write_file', args: { path: 'src/app.js', content: '' } }, 'path_not_permitted', -32003);
    await expectReason({ token: planToken, tool: 'read_file', args: { path: 'missing.txt' } }, 'tool_failed', -32020);

    const { token: implToken, tddToken } = await walkToImpl(agent);
    await expectReason({ token: tddToken, tool: 'read_file', args: { path: 'README.md' } }, 'token_superseded', -32001);
    await expectReason({ token: implToken, tool: 'run_command', args: { argv: ['rm', '-rf', 'src'] } }, 'command_not_permitted', -32003);
    await expectReason({ token: implToken, tool: 'run_command', args: { command: 'ls; rm -rf src' } }, 'shell_operator', -32003);

    // Another agent's token for another task.
    const otherToken = await s.foreignToken();
    await expectReason({ token: otherToken, tool: 'read_file', args: { path: 'README.md' } }, 'token_wrong_task', -32001);

    // The audit log cannot take the record: nothing runs.
    await rename(join(s.auditDir, 'tool_audit.jsonl'), join(s.auditDir, 'tool_audit.moved'));
    await mkdir(join(s.auditDir, 'tool_audit.jsonl'));
    // The live file's identity is checked every CHECK_MS of appends (not before each record): let it fall due.
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS + 5));
    await expectReason({ token: implToken, tool: 'write_file', args: { path: 'src/new.js', content: 'x' } }, 'audit_unavailable', -32004);
    await expect(stat(join(s.workspace, 'src/new.js'))).rejects.toThrow();

    // The coordinator goes away: transitions fail with coordinator_unavailable.
    await s.coordinator.close();
    await expectReason({ token: implToken, target_phase: 'REVIEW', artifacts: {} }, 'coordinator_unavailable', -32010, 'task.transition');

    // Time passes beyond the token's lifetime (default TTL 7200 s).
    offsetMs = 7201 * 1000;
    await expectReason({ token: implToken, tool: 'read_file', args: { path: 'README.md' } }, 'audit_unavailable', -32004);
    await rename(join(s.auditDir, 'tool_audit.jsonl'), join(s.auditDir, 'dir.moved'));
    await rename(join(s.auditDir, 'tool_audit.moved'), join(s.auditDir, 'tool_audit.jsonl'));
    await expectReason({ token: implToken, tool: 'read_file', args: { path: 'README.md' } }, 'token_expired', -32001);
    expect(seen.size).toBe(16);
  });
});
