/** Configuration and key files: precedence, validation, generated 0600 keys, tampered key files. */
import { chmod, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/coordinator/http/index.js';
import { resolveBearerKey } from '../../../core/coordinator/http/keys.js';
import { statusFor } from '../../../core/coordinator/http/error-status.js';
import { startTest, tempDir } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('uses defaults with no file and no environment', () => {
    const c = loadConfig(dir, {});
    expect(c).toMatchObject({ tokenTtlS: 7200, leaseMs: 60_000, bodyLimitBytes: 1024 * 1024, adminKey: undefined, sidecarKey: undefined });
  });

  it('reads config.yaml and lets the environment win', async () => {
    await writeFile(join(dir, 'config.yaml'), 'token_ttl: 600\nlease_ms: 5000\nadmin_key: file-admin-key-0123456789\n');
    const fromFile = loadConfig(dir, {});
    expect(fromFile).toMatchObject({ tokenTtlS: 600, leaseMs: 5000, adminKey: 'file-admin-key-0123456789' });
    const env = loadConfig(dir, { PHASEGATE_TOKEN_TTL: '900', PHASEGATE_ADMIN_KEY: 'env-admin-key-0123456789' });
    expect(env).toMatchObject({ tokenTtlS: 900, leaseMs: 5000, adminKey: 'env-admin-key-0123456789' });
  });

  it('refuses bad values, listing every problem at once', async () => {
    await writeFile(join(dir, 'config.yaml'), 'lease_ms: soon\nmystery: 1\n');
    const err = (() => {
      try {
        loadConfig(dir, { PHASEGATE_TOKEN_TTL: '-5', PHASEGATE_ADMIN_KEY: 'short' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(TypeError);
    for (const part of ['PHASEGATE_LEASE_MS', 'mystery', 'PHASEGATE_TOKEN_TTL', 'PHASEGATE_ADMIN_KEY']) expect(err?.message).toContain(part);
  });

  it('refuses one key for both roles (a sidecar could then approve its own work)', () => {
    const same = 'the-same-key-for-both-roles';
    expect(() => loadConfig(dir, { PHASEGATE_ADMIN_KEY: same, PHASEGATE_SIDECAR_KEY: same })).toThrow(/must differ/);
  });
});

describe('resolveBearerKey', () => {
  it('generates a 0600 key file once and reuses it', async () => {
    const first = await resolveBearerKey(dir, 'admin.key', undefined);
    expect(first.created).toBe(true);
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(dir, 'admin.key'))).mode & 0o777).toBe(0o600);
    const second = await resolveBearerKey(dir, 'admin.key', undefined);
    expect(second).toMatchObject({ key: first.key, created: false });
    expect((await readFile(join(dir, 'admin.key'), 'utf8')).trim()).toBe(first.key);
  });

  it('prefers a configured key and writes no file', async () => {
    const k = await resolveBearerKey(dir, 'admin.key', 'configured-key-0123456789');
    expect(k).toEqual({ key: 'configured-key-0123456789', file: null, created: false });
    await expect(stat(join(dir, 'admin.key'))).rejects.toThrow();
  });

  it('refuses a key file other users can read', async () => {
    await resolveBearerKey(dir, 'admin.key', undefined);
    await chmod(join(dir, 'admin.key'), 0o644);
    await expect(resolveBearerKey(dir, 'admin.key', undefined)).rejects.toMatchObject({ code: 'internal_error' });
  });

  it('refuses a symlink planted at the key path (attacker-chosen key)', async () => {
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'elsewhere', 'known.key'), 'a-key-the-attacker-knows-1234', { mode: 0o600 });
    await symlink(join(dir, 'elsewhere', 'known.key'), join(dir, 'admin.key'));
    await expect(resolveBearerKey(dir, 'admin.key', undefined)).rejects.toMatchObject({ code: 'ELOOP' });
  });
});

describe('startCoordinator', () => {
  it('generates admin, sidecar and signing keys into the data dir on first start', async () => {
    const c = await startTest({ dataDir: dir });
    try {
      expect(c.keyFiles.admin).toBe(join(dir, 'data', 'admin.key'));
      expect(c.keyFiles.sidecar).toBe(join(dir, 'data', 'sidecar.key'));
      expect(c.keyFiles.signing).toBe(join(dir, 'data', 'signing-key.json'));
      expect(c.adminKey).not.toBe(c.sidecarKey);
      expect(c.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await c.dispose();
    }
  });

  it('runs in HS256 mode with a secret and publishes no keys', async () => {
    const c = await startTest({ dataDir: dir, env: { PHASEGATE_JWT_SECRET: 's'.repeat(32) } });
    try {
      expect(c.keyFiles.signing).toBeNull();
      expect((await c.anon('GET', '/.well-known/jwks.json')).body).toEqual({ keys: [] });
    } finally {
      await c.dispose();
    }
  });

  it('refuses to start with a short JWT secret or a bad contract', async () => {
    await expect(startTest({ dataDir: dir, env: { PHASEGATE_JWT_SECRET: 'short' } })).rejects.toThrow(/PHASEGATE_JWT_SECRET/);
    await expect(startTest({ dataDir: dir, contractText: 'version: 1\nworkflows: {}\nbogus: true\n' })).rejects.toMatchObject({ code: 'contract_invalid' });
  });
});

describe('statusFor', () => {
  it('maps reason codes to the documented statuses', () => {
    const expected: Record<string, number> = {
      invalid_body: 400,
      token_missing: 400,
      unauthorized: 401,
      forbidden: 403,
      token_invalid: 403,
      token_expired: 403,
      token_wrong_task: 403,
      not_found: 404,
      no_task: 404,
      conflict: 409,
      task_not_claimable: 409,
      approval_not_pending: 409,
      token_superseded: 409,
      lease_lost: 409,
      body_too_large: 413,
      internal_error: 500,
    };
    for (const [code, status] of Object.entries(expected)) expect(statusFor(code as never)).toBe(status);
  });
});
