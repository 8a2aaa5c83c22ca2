/**
 * SPEC §11 Limits: request memory across connections, against a real `phasegate sidecar`
 * child process. 60 HTTP connections each start an 8 MiB body and never finish it; 40
 * WebSocket connections each send most of an 8 MiB frame. Beyond the budget they are refused
 * (503 limit_exceeded / closed with 1013), and the process's RSS stays bounded.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../core/coordinator/http/index.js';
import { AGENT_KEY, JWT_SECRET, silent } from '../sidecar/stack.js';
import { CLI, REPO } from '../e2e/processes.js';

const MiB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Samples a process's RSS every 20 ms from now; `stop()` takes a last sample and returns the peak. */
function watchRss(pid: number): { readonly before: number; stop(): number } {
  const before = rssMiB(pid);
  let peak = before;
  const poll = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  return {
    before,
    stop() {
      clearInterval(poll);
      return (peak = Math.max(peak, rssMiB(pid)));
    },
  };
}

interface Attempt {
  /** Resolves once the client wrote all it meant to, or the connection closed. */
  readonly sent: Promise<void>;
  reply(): string;
  closed(): boolean;
  /** The sidecar cut the connection with a reset (ECONNRESET/EPIPE) rather than a clean close. */
  reset?(): boolean;
}

/** Opens one connection and sends headers for an 8 MiB body, then 8 MiB − 1 bytes of it: the body never finishes. */
function unfinishedBody(port: number, chunk: Buffer, sockets: Socket[]): Attempt {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let reply = '';
  let closed = false;
  let reset = false;
  socket.on('data', (d) => (reply += String(d)));
  socket.once('close', () => (closed = true));
  socket.on('error', (err: NodeJS.ErrnoException) => (reset ||= err.code === 'ECONNRESET' || err.code === 'EPIPE'));
  const sent = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.on('connect', async () => {
      socket.write(`POST /api/v1/tools/execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${AGENT_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${8 * MiB}\r\n\r\n`);
      await sendAllButLastByte(socket, chunk, 8 * MiB, () => reply !== '');
      resolve();
    });
  });
  return { sent, reply: () => reply, closed: () => closed, reset: () => reset };
}

/** A real coordinator in-process and a `phasegate sidecar` child process; cleaned up after the test. */
async function startChildSidecar(): Promise<{ port: number; pid: number }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-bodies-')));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'ws'));
  const coordinator: RunningCoordinator = await startCoordinator({
    dataDir: join(root, 'data'), port: 0, contractFile: join(REPO, 'agent_workflow.yaml'), env: { PHASEGATE_JWT_SECRET: JWT_SECRET }, logger: silent,
  });
  cleanups.push(() => coordinator.close());
  const child = spawn(process.execPath, [CLI, 'sidecar', '--coordinator', coordinator.url, '--agent-id', 'a1', '--workspace', join(root, 'ws'), '--audit', join(root, 'audit')], {
    env: { ...process.env, PHASEGATE_AGENT_KEY: AGENT_KEY, PHASEGATE_SIDECAR_KEY: coordinator.sidecarKey, PHASEGATE_JWT_SECRET: JWT_SECRET, PHASEGATE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const url = await new Promise<string>((ok) => createInterface({ input: child.stdout! }).once('line', ok));
  const port = Number(/:(\d+)\//.exec(url)?.[1]);
  const pid = child.pid as number;
  return { port, pid };
}

describe('sidecar-wide request-body memory', () => {
  it('60 unfinished 8 MiB bodies: refused beyond the budget, RSS bounded', { timeout: 120_000 }, async () => {
    const { port, pid } = await startChildSidecar();
    const rss = watchRss(pid);
    const before = rss.before;
    const sockets: Socket[] = [];
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const attempts = Array.from({ length: 60 }, () => unfinishedBody(port, chunk, sockets));
    await Promise.all(attempts.map((a) => a.sent));
    // A refusal is a 503 limit_exceeded; a body the sidecar holds is never answered (it never finishes).
    // The sidecar discards what a refused client still sends for at most 1 s, then cuts the
    // connection (linger.ts); a reset there can still destroy a 503 a client had not read yet:
    // such a connection, cut by the sidecar and never answered otherwise, was refused too.
    const answered = () => attempts.filter((a) => a.reply().includes('limit_exceeded'));
    const refusedNow = () => attempts.filter((a) => a.reply().includes('limit_exceeded') || (a.reply() === '' && a.reset?.() === true)).length;
    const open = () => attempts.filter((a) => !a.closed()).length;
    for (let i = 0; i < 100 && open() > 4; i++) await new Promise((r) => setTimeout(r, 50));
    const peak = rss.stop();
    const refused = refusedNow();
    // Held: open and unanswered. (A refused connection can lose its 503 to a reset while the client still sends.)
    const holding = attempts.filter((a) => a.reply() === '' && !a.closed()).length;
    for (const s of sockets) s.destroy();
    if (process.env.PHASEGATE_REPORT === '1') process.stderr.write(`bodies: refused ${refused} (answered ${answered().length}), holding ${holding}; RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MiB\n`);
    // 32 MiB budget: at most 4 bodies of 8 MiB can be held; every other one is refused.
    expect(holding).toBeLessThanOrEqual(4);
    expect(open()).toBeLessThanOrEqual(4);
    expect(refused).toBeGreaterThanOrEqual(45);
    // Every answer the clients did read is the stable refusal, and the reason does reach clients.
    expect(attempts.filter((a) => a.reply() !== '').every((a) => a.reply().includes('limit_exceeded'))).toBe(true);
    expect(answered().length).toBeGreaterThan(0);
    // Unbounded, the same attack took a sidecar from 185 to 595 MiB.
    expect(peak - before).toBeLessThan(200);
    // The sidecar still serves.
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/tools/execute`, { method: 'POST', headers: { authorization: `Bearer ${AGENT_KEY}` }, body: '{}' });
    expect(health.status).not.toBe(503);
  });

  it('40 WebSocket connections each holding an unfinished 8 MiB frame: closed beyond the budget, RSS bounded', { timeout: 120_000 }, async () => {
    const { port, pid } = await startChildSidecar();
    const rss = watchRss(pid);
    const before = rss.before;
    const sockets: Socket[] = [];
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const attempts = Array.from({ length: 40 }, () => unfinishedFrame(port, chunk, sockets));
    await Promise.all(attempts.map((a) => a.sent));
    const open = () => attempts.filter((a) => !a.closed()).length;
    for (let i = 0; i < 100 && open() > 4; i++) await new Promise((r) => setTimeout(r, 50));
    const peak = rss.stop();
    const stillOpen = open();
    for (const s of sockets) s.destroy();
    if (process.env.PHASEGATE_REPORT === '1') process.stderr.write(`frames: open ${stillOpen} of 40; RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MiB\n`);
    expect(stillOpen).toBeLessThanOrEqual(4);
    expect(peak - before).toBeLessThan(200);
  });
});

/** Upgrades to the agent WebSocket by hand and sends most of one 8 MiB text frame, never the end. */
function unfinishedFrame(port: number, chunk: Buffer, sockets: Socket[]): Attempt {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let reply = '';
  let closed = false;
  socket.on('error', () => undefined);
  socket.once('close', () => (closed = true));
  const sent = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.on('connect', () => {
      socket.write(
        `GET /agent HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${AGENT_KEY}\r\n\r\n`,
      );
    });
    socket.on('data', async (d) => {
      const first = reply === '';
      reply += String(d);
      if (!first || !reply.startsWith('HTTP/1.1 101')) return;
      // FIN + text, masked, 64-bit length; an all-zero mask leaves the payload as is.
      const length = 8 * MiB - 1024;
      const header = Buffer.alloc(14);
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
      socket.write(header);
      await sendAllButLastByte(socket, chunk, length);
      resolve();
    });
  });
  return { sent, reply: () => reply, closed: () => closed };
}

/**
 * Writes `length - 1` bytes of `chunk` repeats, honouring backpressure: a body or frame left
 * unfinished. Stops early once `answered()` (the server refused): bytes sent after its answer
 * make the kernel reset the connection, and the reset can destroy the answer before it is read.
 */
async function sendAllButLastByte(socket: import('node:net').Socket, chunk: Buffer, length: number, answered: () => boolean = () => false): Promise<void> {
  let sent = 0;
  while (sent < length - 1 && !socket.destroyed && !answered()) {
    const n = Math.min(chunk.length, length - 1 - sent);
    sent += n;
    if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
      await new Promise<void>((r) => {
        socket.once('drain', r);
        socket.once('close', r);
      });
    }
  }
}
