import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../../proxy/cli/args.js';
import { run, type AuditIo } from '../../proxy/cli/commands/audit.js';
import { openLog, readLines, removeTempDirs, tempDir, writeLines, callEntry } from './helpers.js';
import type { Checkpoint } from '../../proxy/audit/index.js';

let dir: string;
let live: string;
let checkpoints: Checkpoint[];
let server: Server | undefined;

function io(env: Record<string, string> = {}): AuditIo & { out: () => string } {
  let text = '';
  return { stdout: { write: (chunk: string) => (text += chunk) }, env, out: () => text };
}

beforeEach(async () => {
  dir = await tempDir();
  live = join(dir, 'tool_audit.jsonl');
  const log = await openLog(dir);
  checkpoints = [];
  for (let i = 1; i <= 20; i++) {
    await log.append(callEntry(i, { decision: i % 4 === 0 ? 'deny' : 'allow' }));
    if (i % 5 === 0) checkpoints.push(log.head());
  }
  await log.close();
});
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await removeTempDirs();
});

/** A stand-in for the coordinator's checkpoint route over real HTTP on 127.0.0.1:0. */
async function checkpointServer(seen: IncomingMessage[]): Promise<string> {
  server = createServer((req, res) => {
    seen.push(req);
    if (req.headers.authorization !== 'Bearer admin-key') return void res.writeHead(401).end();
    const agent = new URL(req.url ?? '/', 'http://x').searchParams.get('agent');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ checkpoints: checkpoints.map((c) => ({ agent_id: agent, task_id: 'task-1', ...c })) }));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

describe('phasegate audit verify', () => {
  it('exits 0 with "ok N records"', async () => {
    const out = io();
    expect(await run(['verify', dir], out)).toBe(0);
    expect(out.out()).toBe('ok 20 records\n');
  });

  it('exits 1 naming FILE:LINE of the first broken record', async () => {
    const lines = await readLines(live);
    lines[6] = (lines[6] as string).replace('"allow"', '"deny"');
    await writeLines(live, lines);
    const out = io();
    expect(await run(['verify', dir], out)).toBe(1);
    expect(out.out()).toMatch(new RegExp(`^${live}:7: hash_mismatch \\(`));
    const json = io();
    expect(await run(['verify', live, '--json'], json)).toBe(1);
    expect(JSON.parse(json.out())).toMatchObject({ ok: false, file: live, line: 7, problem: 'hash_mismatch' });
  });

  it('mentions an incomplete tail', async () => {
    await appendFile(live, '{"seq":21,"ts":"2025-'); // a write torn by a crash
    const out = io();
    expect(await run(['verify', dir], out)).toBe(0);
    expect(out.out()).toBe(`ok 20 records (incomplete tail at ${live}:21)\n`);
  });

  it('--checkpoints fetches the agent\'s checkpoints with the admin key and catches truncation', async () => {
    const seen: IncomingMessage[] = [];
    const url = await checkpointServer(seen);
    const env = { PHASEGATE_ADMIN_KEY: 'admin-key' };
    const ok = io(env);
    expect(await run(['verify', dir, '--checkpoints', url], ok)).toBe(0);
    expect(seen[0]?.url).toBe('/api/v1/checkpoints?agent=agent-1');
    await writeLines(live, (await readLines(live)).slice(0, 12));
    const cut = io(env);
    expect(await run(['verify', dir, '--checkpoints', url, '--agent', 'agent-1'], cut)).toBe(1);
    expect(cut.out()).toMatch(new RegExp(`^${live}:12: checkpoint_not_reached`));
    await expect(run(['verify', dir, '--checkpoints', url], io({ PHASEGATE_ADMIN_KEY: 'wrong' }))).rejects.toThrow(/HTTP 401/);
  });

  it('refuses bad usage with UsageError (exit 2)', async () => {
    await expect(run(['verify', dir, '--bogus'], io())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['verify'], io())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['verify', dir, '--checkpoints', 'http://127.0.0.1:1'], io())).rejects.toBeInstanceOf(UsageError);
    const unreadable = run(['verify', dir, '--checkpoints', 'http://127.0.0.1:1'], io({ PHASEGATE_AUDITOR_KEY_FILE: '/nope/auditor.key' }));
    await expect(unreadable).rejects.toBeInstanceOf(UsageError);
    await expect(unreadable).rejects.toThrow('cannot read PHASEGATE_AUDITOR_KEY_FILE /nope/auditor.key: ENOENT');
    await expect(run(['frobnicate'], io())).rejects.toBeInstanceOf(UsageError);
  });
});

describe('phasegate audit query', () => {
  it('prints matching records as JSONL', async () => {
    const out = io();
    expect(await run(['query', dir, '--decision', 'deny', '--agent', 'agent-1'], out)).toBe(0);
    const records = out.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; decision: string });
    expect(records.map((r) => r.seq)).toEqual([4, 8, 12, 16, 20]);
  });

  it('refuses a bad --decision or --since', async () => {
    await expect(run(['query', dir, '--decision', 'maybe'], io())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['query', dir, '--since', 'noon'], io())).rejects.toBeInstanceOf(UsageError);
  });
});
