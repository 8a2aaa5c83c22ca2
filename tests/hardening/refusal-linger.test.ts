/**
 * A refused body that is still arriving (oversized, or over the memory budget) must not cost
 * the client its answer. Closing at once left the client's unread bytes in the server's
 * receive buffer, and the kernel answered them with a reset that destroyed the refusal before
 * a client that reads late (a loaded machine) had read it. The client here reads late on
 * purpose: it keeps writing for 300 ms before it reads anything.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_KEY, startStack, type Stack } from '../sidecar/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 30_000);
afterAll(async () => stack?.close());

/** Sends headers declaring `declared` bytes, then writes body bytes (never more than declared) for `writeMs` without reading; then reads. */
function lateReader(port: number, path: string, key: string, declared: number, writeMs: number): Promise<{ reply: string; reset: boolean; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let reset = false;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let started = 0;
    let written = 0;
    socket.on('error', (err: NodeJS.ErrnoException) => (reset ||= err.code === 'ECONNRESET' || err.code === 'EPIPE'));
    socket.once('close', () => resolve({ reply, reset, closedAfterMs: Date.now() - started }));
    socket.on('connect', () => {
      started = Date.now();
      socket.pause();
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
      const until = Date.now() + writeMs;
      const pump = (): void => {
        if (socket.destroyed) return;
        if (Date.now() >= until || written + chunk.length > declared) {
          socket.on('data', (d) => (reply += String(d)));
          socket.resume();
          return;
        }
        written += chunk.length;
        socket.write(chunk, () => setImmediate(pump));
      };
      pump();
    });
  });
}

describe('a refused body still arriving', () => {
  it('sidecar: an oversized body is answered 400 invalid_request even to a client that reads late; the connection closes soon after', async () => {
    const port = Number(new URL(stack.sidecar.url.replace(/^ws/, 'http')).port);
    const r = await lateReader(port, '/api/v1/tools/execute', AGENT_KEY, 2 ** 31, 300);
    expect(r.reply).toMatch(/^HTTP\/1\.1 400/);
    expect(r.reply).toContain('"reason":"invalid_request"');
    expect(r.closedAfterMs).toBeLessThan(5_000);
  });

  it('coordinator: an oversized body is answered 413 body_too_large to a client that reads late', async () => {
    const port = Number(new URL(stack.coordinator.url).port);
    const r = await lateReader(port, '/api/v1/tasks', stack.coordinator.adminKey, 2 ** 31, 300);
    expect(r.reply).toMatch(/^HTTP\/1\.1 413/);
    expect(r.reply).toContain('"reason":"body_too_large"');
    expect(r.closedAfterMs).toBeLessThan(5_000);
  });
});
