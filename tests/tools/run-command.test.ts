import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../proxy/tools/index.js';
import { codeOf, errorOf, scratch, silent, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
});
afterEach(() => s.cleanup());

const node = process.execPath;

/** Alive = exists and not a zombie (a container's PID 1 may never reap the orphans we kill). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    if (existsSync('/proc/self')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventuallyDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 40));
  }
  return false;
}

describe('runCommand', () => {
  it('runs argv without a shell in the confined cwd and reports the exit code', async () => {
    mkdirSync(join(s.root, 'sub'));
    const r = await s.ws.runCommand([node, '-e', 'console.log(process.cwd()); console.error("e"); process.exit(3)'], { cwd: 'sub' });
    expect(r.exit_code).toBe(3);
    expect(r.stdout.trim()).toBe(join(s.root, 'sub'));
    expect(r.stderr).toBe('e\n');
    expect(r.truncated).toBe(false);
    expect(r.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('passes shell metacharacters through as plain arguments', async () => {
    const r = await s.ws.runCommand([node, '-e', 'console.log(process.argv[1])', '$(touch pwned); rm -rf x'], { cwd: '.' });
    expect(r.stdout).toBe('$(touch pwned); rm -rf x\n');
    expect(existsSync(join(s.root, 'pwned'))).toBe(false);
  });

  it('reports death by signal as 128 + signal number', async () => {
    const r = await s.ws.runCommand([node, '-e', 'process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 5000)'], { cwd: '.' });
    expect(r.exit_code).toBe(143);
  });

  it('scrubs every phasegate key (and secret-named variables) from the child environment', async () => {
    const env = {
      PATH: process.env.PATH,
      PHASEGATE_AGENT_KEY: 'agent-key-value',
      PHASEGATE_SIDECAR_KEY: 'sidecar-key-value',
      PHASEGATE_ADMIN_KEY: 'admin-key-value',
      PHASEGATE_JWT_SECRET: 'jwt-secret-value',
      ORCHESTRATOR_JWT_SECRET: 'orch-secret-value',
      phasegate_lower: 'lower-value',
      AWS_SECRET_ACCESS_KEY: 'aws-value',
      NPM_TOKEN: 'npm-value',
      CI_DEPLOY_TOKEN: 'kept-value',
      HARMLESS: 'visible',
    };
    const ws = await createWorkspace(s.root, { logger: silent, env, keepEnv: ['CI_DEPLOY_TOKEN', 'PHASEGATE_AGENT_KEY'] });
    const r = await ws.runCommand([node, '-e', 'console.log(JSON.stringify(process.env))'], { cwd: '.' });
    const seen = JSON.parse(r.stdout) as Record<string, string>;
    expect(Object.keys(seen).filter((k) => /^(phasegate|orchestrator)_/i.test(k))).toEqual([]);
    for (const v of ['agent-key-value', 'sidecar-key-value', 'admin-key-value', 'jwt-secret-value', 'orch-secret-value', 'aws-value', 'npm-value']) {
      expect(r.stdout).not.toContain(v);
    }
    expect(seen['HARMLESS']).toBe('visible');
    expect(seen['CI_DEPLOY_TOKEN']).toBe('kept-value');
  });

  it('on timeout kills the whole process group, grandchildren included', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'sleep 30 & echo $!; wait'], { cwd: '.', timeoutMs: 300 });
    expect(r.exit_code).toBe(137);
    expect(r.duration_ms).toBeLessThan(5000);
    expect(r.stderr).toMatch(/timed out/);
    expect(await eventuallyDead(Number(r.stdout.trim()))).toBe(true);
  });

  it('kills background processes left behind when the command itself exits', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'sleep 30 & echo $!'], { cwd: '.', timeoutMs: 20_000 });
    expect(r.exit_code).toBe(0);
    expect(r.duration_ms).toBeLessThan(5000);
    expect(await eventuallyDead(Number(r.stdout.trim()))).toBe(true);
  });

  it('caps each stream at maxOutputBytes, keeps draining, and sets truncated', async () => {
    const ws = await createWorkspace(s.root, { logger: silent, maxOutputBytes: 1000 });
    const r = await ws.runCommand([node, '-e', 'process.stdout.write("x".repeat(3e6)); process.stderr.write("y".repeat(10))'], { cwd: '.' });
    expect(r.exit_code).toBe(0);
    expect(r.stdout).toBe('x'.repeat(1000));
    expect(r.stderr).toBe('y'.repeat(10));
    expect(r.truncated).toBe(true);
  });

  it('a missing program is tool_failed with an ENOENT detail', async () => {
    const err = await errorOf(s.ws.runCommand(['definitely-not-a-program-pg'], { cwd: '.' }));
    expect(err.code).toBe('tool_failed');
    expect(err.detail?.['detail']).toMatch(/^ENOENT/);
  });

  it('refuses an empty argv, a bad timeout, a missing cwd, a file as cwd and a cwd outside', async () => {
    expect(await codeOf(s.ws.runCommand([], { cwd: '.' }))).toBe('invalid_params');
    expect(await codeOf(s.ws.runCommand(['pwd'], { cwd: '.', timeoutMs: -1 }))).toBe('invalid_params');
    expect(await codeOf(s.ws.runCommand(['pwd'], { cwd: 'missing' }))).toBe('tool_failed');
    expect(await codeOf(s.ws.runCommand(['pwd'], { cwd: '../outside' }))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.runCommand(['pwd'], { cwd: '/tmp' }))).toBe('path_outside_workspace');
  });
});
