/**
 * Crash safety: a child-process coordinator driven by a stream of transitions is SIGKILLed
 * mid-stream; after a restart on the same data dir every transition answered "allowed" is
 * in its task's history, the event sequence has no gap, and the store works. Three rounds.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CLI, spawnCoordinator, type Child } from './child-coordinator.js';
import { api, CYCLE_CONTRACT, NO_EVIDENCE, tempDir } from './helpers.js';

const ENV = { PHASEGATE_ADMIN_KEY: 'crash-test-admin-key-0123456789', PHASEGATE_SIDECAR_KEY: 'crash-test-sidecar-key-0123456789' };
const TASKS = 8;

let dir: string;
let child: Child | undefined;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  if (child !== undefined && child.proc.exitCode === null) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

it.skipIf(!existsSync(CLI))('keeps every acknowledged transition across SIGKILL, three times', { timeout: 60_000 }, async () => {
  const contract = join(dir, 'cycle.yaml');
  await writeFile(contract, CYCLE_CONTRACT);
  await mkdir(join(dir, 'data'));
  const start = async () => (child = await spawnCoordinator(['--data', join(dir, 'data'), '--contract', contract], ENV));
  const acked = new Map<string, number>(); // task id → transitions answered allowed
  const tokens = new Map<string, string>();

  let c = await start();
  let admin = api(c.url, ENV.PHASEGATE_ADMIN_KEY);
  let sidecar = api(c.url, ENV.PHASEGATE_SIDECAR_KEY);
  for (let i = 0; i < TASKS; i++) {
    const id = (await admin('POST', '/api/v1/tasks', { title: `crash ${i}` })).body.task.id as string;
    tokens.set(id, (await sidecar('POST', '/api/v1/tasks/claim', { agent_id: `agent-${i}`, task_id: id })).body.phase_token);
    acked.set(id, 0);
  }

  for (let round = 0; round < 3; round++) {
    // Drive every task A ⇄ B concurrently until the kill cuts the stream.
    let killed = false;
    const drive = async (id: string) => {
      while (!killed) {
        const task = (await admin('GET', `/api/v1/tasks/${id}`).catch(() => null))?.body.task;
        if (task === undefined || task === null) return;
        const to = task.phase === 'A' ? 'B' : 'A';
        const res = await sidecar('POST', '/api/v1/tasks/transition', {
          current_phase: task.phase,
          target_phase: to,
          phase_token: tokens.get(id),
          artifacts: {},
          evidence: NO_EVIDENCE,
        }).catch(() => null);
        if (res === null) return;
        expect(res.body.allowed).toBe(true);
        acked.set(id, (acked.get(id) ?? 0) + 1);
        tokens.set(id, res.body.new_token);
      }
    };
    const drivers = [...tokens.keys()].map(drive);
    await new Promise((r) => setTimeout(r, 300 + round * 150));
    killed = true;
    c.proc.kill('SIGKILL');
    await c.exited;
    await Promise.all(drivers);

    c = await start();
    admin = api(c.url, ENV.PHASEGATE_ADMIN_KEY);
    sidecar = api(c.url, ENV.PHASEGATE_SIDECAR_KEY);
    expect((await admin('GET', '/healthz')).body).toEqual({ ok: true });

    const events = (await admin('GET', '/api/v1/events?since=0&limit=10000')).body.events as { seq: number; type: string; task_id: string }[];
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const [id, count] of acked) {
      const task = (await admin('GET', `/api/v1/tasks/${id}`)).body.task;
      const moves = task.history.filter((h: { from: string | null }) => h.from !== null);
      // Every acknowledged transition survived; at most one unacknowledged one per kill also committed.
      expect(moves.length).toBeGreaterThanOrEqual(count);
      expect(moves.length).toBeLessThanOrEqual(count + 1);
      // State and event log were written in one transaction: they agree.
      expect(events.filter((e) => e.task_id === id && e.type === 'phase_transition_applied')).toHaveLength(moves.length);
      acked.set(id, moves.length);
      // The signing key survived too: the old token still refreshes to the current phase.
      const refreshed = await sidecar('POST', '/api/v1/tokens/refresh', { phase_token: tokens.get(id) });
      expect(refreshed.status).toBe(200);
      tokens.set(id, refreshed.body.phase_token);
    }
    expect([...acked.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(round * TASKS);
  }
  c.proc.kill('SIGTERM');
  expect(await c.exited).toEqual({ code: 0, signal: null });
});
