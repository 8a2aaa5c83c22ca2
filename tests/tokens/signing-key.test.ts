import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { createIssuer, createVerifier, loadOrCreateSigningKey, resolveTokenMode, SIGNING_KEY_FILE } from '../../core/tokens/index.js';
import { grant } from './token-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateSigningKey', () => {
  it('creates signing-key.json with mode 0600 holding a private Ed25519 JWK', async () => {
    const key = await loadOrCreateSigningKey(join(dir, 'data'));
    const file = join(dir, 'data', SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const jwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x });
    expect(typeof jwk.d).toBe('string');
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('reuses the key across restarts: same kid, old tokens still verify', async () => {
    const first = await loadOrCreateSigningKey(dir);
    const token = await createIssuer({ alg: 'EdDSA', ...first }, { ttlSeconds: 60 }).issue(grant);
    const second = await loadOrCreateSigningKey(dir);
    expect(second.kid).toBe(first.kid);
    const jwks = createIssuer({ alg: 'EdDSA', ...second }, { ttlSeconds: 60 }).jwks();
    expect((await createVerifier({ alg: 'EdDSA', jwks }).verify(token)).task_id).toBe(grant.task_id);
  });

  it('concurrent first starts agree on one key', async () => {
    const keys = await Promise.all([loadOrCreateSigningKey(dir), loadOrCreateSigningKey(dir), loadOrCreateSigningKey(dir)]);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await readdir(dir)).toEqual([SIGNING_KEY_FILE]);
  });

  it('refuses a key file readable by group/other', async () => {
    await loadOrCreateSigningKey(dir);
    await chmod(join(dir, SIGNING_KEY_FILE), 0o644);
    const err = await loadOrCreateSigningKey(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhasegateError);
    expect((err as PhasegateError).message).toMatch(/group\/other/);
  });

  it('refuses a symlink planted at the key path', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await loadOrCreateSigningKey(elsewhere);
    const data = join(dir, 'data');
    await loadOrCreateSigningKey(data);
    await rm(join(data, SIGNING_KEY_FILE));
    await symlink(join(elsewhere, SIGNING_KEY_FILE), join(data, SIGNING_KEY_FILE));
    await expect(loadOrCreateSigningKey(data)).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('refuses a key file that is not an Ed25519 private JWK', async () => {
    await writeFile(join(dir, SIGNING_KEY_FILE), JSON.stringify({ kty: 'oct', k: 'abc' }), { mode: 0o600 });
    await expect(loadOrCreateSigningKey(dir)).rejects.toBeInstanceOf(PhasegateError);
  });
});

describe('resolveTokenMode', () => {
  const long = 'k'.repeat(32);
  it('EdDSA when no secret is set', () => {
    expect(resolveTokenMode({})).toEqual({ alg: 'EdDSA' });
  });
  it('HS256 from PHASEGATE_JWT_SECRET or its alias; the primary name wins', () => {
    expect(resolveTokenMode({ ORCHESTRATOR_JWT_SECRET: long })).toEqual({ alg: 'HS256', secret: new TextEncoder().encode(long) });
    const both = resolveTokenMode({ PHASEGATE_JWT_SECRET: `${long}1`, ORCHESTRATOR_JWT_SECRET: long });
    expect(both.alg === 'HS256' && new TextDecoder().decode(both.secret)).toBe(`${long}1`);
  });
  it('a short (or empty) secret is refused with a TypeError naming the variable', () => {
    expect(() => resolveTokenMode({ PHASEGATE_JWT_SECRET: 'k'.repeat(31) })).toThrow(/PHASEGATE_JWT_SECRET/);
    expect(() => resolveTokenMode({ ORCHESTRATOR_JWT_SECRET: '' })).toThrow(/ORCHESTRATOR_JWT_SECRET/);
  });
});
