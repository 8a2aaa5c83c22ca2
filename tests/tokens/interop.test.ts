/** Tokens are signed with node:crypto; any JOSE library must read them: checked with jose's own jwtVerify. */
import { exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createIssuer } from '../../core/tokens/index.js';
import { T0, grant, parts, secret, unb64 } from './token-fixtures.js';

const now = () => T0;
const options = { issuer: 'phasegate-coordinator', audience: 'phasegate', currentDate: new Date(T0) };

describe('token interop', () => {
  it('EdDSA tokens (from a non-extractable WebCrypto key) verify with jose against the published JWK', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: false });
    const publicJwk = await exportJWK(publicKey);
    const issuer = createIssuer({ alg: 'EdDSA', privateKey, publicJwk, kid: 'k1' }, { ttlSeconds: 600, now });
    const token = await issuer.issue(grant);
    const key = await importJWK(issuer.jwks().keys[0] as Parameters<typeof importJWK>[0], 'EdDSA');
    const { payload, protectedHeader } = await jwtVerify(token, key, { ...options, algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: 'k1' });
    expect(payload).toMatchObject({ ...grant, iat: T0 / 1000, exp: T0 / 1000 + 600, sub: grant.sub });
    expect(Object.keys(unb64(parts(token)[1])).sort()).toEqual(['allowed_tools', 'aud', 'contract', 'epoch', 'exp', 'iat', 'iss', 'jti', 'phase', 'sub', 'task_id']);
  });

  it('HS256 tokens verify with jose and the shared secret; another secret is refused', async () => {
    const issuer = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 600, now });
    const token = await issuer.issue(grant);
    const { payload, protectedHeader } = await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
    expect(protectedHeader).toEqual({ alg: 'HS256' });
    expect(payload).toMatchObject(grant);
    await expect(jwtVerify(token, new TextEncoder().encode('t'.repeat(40)), options)).rejects.toThrow();
  });
});
