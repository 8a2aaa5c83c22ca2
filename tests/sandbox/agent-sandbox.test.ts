/**
 * The agent sandbox of `phasegate run` (SPEC §11): the agent process itself cannot write the
 * workspace, read the wrapper's memory or environment, or see phasegate's state and the
 * user's keys — it must go through the sidecar, which it still reaches.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { runAgent } from '../../proxy/wrapper/index.js';
import { makeWorkspace, REPO_CONTRACT } from '../sidecar/stack.js';

const silent = createLogger('agent-sandbox-test', 'silent');
let base: string;
let ws: string;
let home: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pg-agent-sbx-')));
  ws = join(base, 'ws');
  home = join(base, 'home');
  mkdirSync(ws);
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(join(home, '.claude'));
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'CANARY-KEY');
  writeFileSync(join(home, 'notes.txt'), 'visible');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** The agent reports into its writable config folder: the only place it can write. */
const AGENT = `const fs = require('fs'); const out = {};
const tryIt = (k, f) => { try { out[k] = f(); } catch (e) { out[k] = e.code || String(e.message); } };
tryIt('src', () => { fs.writeFileSync('src/x.js', 'x'); return 'written'; });
tryIt('environ', () => fs.readFileSync('/proc/' + process.env.WRAPPER_PID + '/environ', 'utf8').includes('PHASEGATE'));
tryIt('mem', () => { fs.openSync('/proc/' + process.env.WRAPPER_PID + '/mem', 'r'); return 'opened'; });
tryIt('state', () => fs.readdirSync(process.env.HOME + '/.local/state/phasegate').length);
tryIt('ssh', () => fs.readFileSync(process.env.HOME + '/.ssh/id_ed25519', 'utf8'));
tryIt('home', () => fs.readFileSync(process.env.HOME + '/notes.txt', 'utf8'));
tryIt('home_write', () => { fs.writeFileSync(process.env.HOME + '/.bashrc', 'x'); return 'written'; });
tryIt('pids', () => fs.readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n)).length < 10);
fetch(process.env.PHASEGATE_HTTP_URL + '/api/v1/tools/execute', { method: 'POST',
  headers: { authorization: 'Bearer ' + process.env.PHASEGATE_AGENT_KEY, 'content-type': 'application/json' },
  body: JSON.stringify({ phase_token: process.env.PHASEGATE_PHASE_TOKEN, tool_name: 'read_file', args: { path: 'README.md' } }) })
  .then((r) => r.json()).then((b) => { out.sidecar = b.result && b.result.content; }, (e) => { out.sidecar = String(e); })
  .finally(() => fs.writeFileSync(process.env.HOME + '/.claude/report.json', JSON.stringify(out)));
`;

function run(extra: { launcher?: string; sandbox?: 'on' | 'off' } = {}) {
  const lines: string[] = [];
  const p = runAgent({
    command: [process.execPath, '-e', AGENT],
    workspace: ws,
    contractFile: REPO_CONTRACT,
    newTask: { title: 'sandboxed agent', criteria: ['c'] },
    env: { ...process.env, HOME: home, XDG_STATE_HOME: join(home, '.local', 'state'), WRAPPER_PID: String(process.pid) },
    logger: silent,
    report: (l) => lines.push(l),
    agentSandbox: { writable: [join(home, '.claude')], ...(extra.launcher === undefined ? {} : { launcher: extra.launcher }) },
    ...(extra.sandbox === undefined ? {} : { sandbox: extra.sandbox }),
  });
  return { p, lines };
}

it('the agent cannot write the workspace (EROFS), read the wrapper\'s environ or memory, or see state and keys; it reaches the sidecar', async () => {
  await makeWorkspace(ws);
  const { p } = run();
  expect(await p).toBe(0);
  const report = JSON.parse(readFileSync(join(home, '.claude', 'report.json'), 'utf8'));
  expect(report).toMatchObject({ src: 'EROFS', environ: 'ENOENT', mem: 'ENOENT', state: 0, ssh: 'ENOENT', home: 'visible', home_write: 'EROFS', pids: true, sidecar: '# fixture\n' });
  expect(existsSync(join(ws, 'src', 'x.js'))).toBe(false);
  expect(existsSync(join(home, '.bashrc'))).toBe(false);
  // The state dir (store, keys, audit log) is there on the host, just not for the agent.
  expect(readdirSync(join(home, '.local', 'state', 'phasegate')).length).toBeGreaterThan(0);
});

it('no sandbox, no run: a launcher that cannot start makes phasegate run refuse, naming the fix', async () => {
  await makeWorkspace(ws);
  const { p } = run({ launcher: join(base, 'no-such-launcher') });
  await expect(p).rejects.toThrow(/no sandbox can be made on this host .*--sandbox off/);
  expect(existsSync(join(home, '.claude', 'report.json'))).toBe(false);
});

it('--sandbox off runs unconfined, with a warning', async () => {
  await makeWorkspace(ws);
  const { p, lines } = run({ sandbox: 'off' });
  expect(await p).toBe(0);
  expect(lines[0]).toMatch(/^warning: sandbox off/);
  const report = JSON.parse(readFileSync(join(home, '.claude', 'report.json'), 'utf8'));
  expect(report.src).toBe('written');
});
