import { generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createIssuer, createVerifier } from '../../core/tokens/index.js';
import { T0, edKey, grant, parts, secret, unb64 } from './token-fixtures.js';

const now = () => T0;

describe('issue → verify round trip', () => {
  it('EdDSA: claims come back with iss, aud, iat, exp, jti and a kid header', async () => {
    const key = await edKey();
    const issuer = createIssuer({ alg: 'EdDSA', ...key }, { ttlSeconds: 600, now });
    const verifier = createVerifier({ alg: 'EdDSA', jwks: issuer.jwks() }, { now });
    const token = await issuer.issue(grant);
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ ...grant, iss: 'phasegate-coordinator', aud: 'phasegate', iat: T0 / 1000, exp: T0 / 1000 + 600 });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(unb64(parts(token)[0])).toEqual({ alg: 'EdDSA', kid: key.kid });
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it('HS256: claims come back and jwks() publishes nothing', async () => {
    const issuer = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 600, now });
    const verifier = createVerifier({ alg: 'HS256', secret }, { now });
    const claims = await verifier.verify(await issuer.issue(grant));
    expect(claims).toMatchObject(grant);
    expect(issuer.jwks()).toEqual({ keys: [] });
  });

  it('every token gets a fresh jti', async () => {
    const issuer = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 600, now });
    const verifier = createVerifier({ alg: 'HS256', secret }, { now });
    const a = await verifier.verify(await issuer.issue(grant));
    const b = await verifier.verify(await issuer.issue(grant));
    expect(a.jti).not.toBe(b.jti);
  });

  it('jwks() publishes only the public members, with kid, alg and use', async () => {
    const key = await edKey();
    const issuer = createIssuer({ alg: 'EdDSA', ...key }, { ttlSeconds: 600 });
    expect(issuer.jwks()).toEqual({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x, kid: key.kid, alg: 'EdDSA', use: 'sig' }] });
  });

  it('extra grant fields are not signed into the token', async () => {
    const issuer = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 600, now });
    const token = await issuer.issue({ ...grant, admin: true } as typeof grant);
    expect(unb64(parts(token)[1])).not.toHaveProperty('admin');
  });
});

describe('construction validates options', () => {
  it('issuer: bad ttl, short secret, public key as privateKey, private publicJwk, empty kid, unknown alg', async () => {
    const key = await edKey();
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    expect(() => createIssuer({ alg: 'EdDSA', ...key, privateKey: publicKey }, { ttlSeconds: 60 })).toThrow(/privateKey/);
    expect(() => createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => createIssuer({ alg: 'HS256', secret: new Uint8Array(31) }, { ttlSeconds: 60 })).toThrow(/secret/);
    expect(() => createIssuer({ alg: 'EdDSA', ...key, publicJwk: { ...key.publicJwk, d: 'x' } }, { ttlSeconds: 60 })).toThrow(/publicJwk/);
    expect(() => createIssuer({ alg: 'EdDSA', ...key, kid: '' }, { ttlSeconds: 60 })).toThrow(/kid/);
    expect(() => createIssuer({ alg: 'RS256' } as never, { ttlSeconds: 60 })).toThrow(/alg/);
  });

  it('verifier: empty jwks, private key in jwks, key without kid, short secret, negative tolerance', async () => {
    const key = await edKey();
    expect(() => createVerifier({ alg: 'EdDSA', jwks: { keys: [] } })).toThrow(TypeError);
    expect(() => createVerifier({ alg: 'EdDSA', jwks: { keys: [{ ...key.publicJwk, kid: key.kid, d: 'x' }] } })).toThrow(/jwks/);
    expect(() => createVerifier({ alg: 'EdDSA', jwks: { keys: [key.publicJwk] } })).toThrow(/kid/);
    expect(() => createVerifier({ alg: 'HS256', secret: new Uint8Array(8) })).toThrow(/secret/);
    expect(() => createVerifier({ alg: 'HS256', secret }, { clockToleranceSec: -1 })).toThrow(/clockToleranceSec/);
  });
});
