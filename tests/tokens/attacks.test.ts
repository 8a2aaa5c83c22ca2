/** Each test performs an attack on phase tokens and asserts the reason code it is refused with. */
import { createHmac } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { createIssuer, createVerifier, type TokenIssuer, type TokenVerifier } from '../../core/tokens/index.js';
import { T0, b64, claimsAt, edKey, grant, parts, secret, unb64 } from './token-fixtures.js';

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PhasegateError);
    return (err as PhasegateError).code;
  }
  return 'accepted';
}

/** HS256 signature computed by hand with arbitrary key bytes. */
function hs256(header: object, payload: object, key: Uint8Array | string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

let key: Awaited<ReturnType<typeof edKey>>;
let edIssuer: TokenIssuer;
let edVerifier: TokenVerifier;
let hsIssuer: TokenIssuer;
let hsVerifier: TokenVerifier;
const now = () => T0;

beforeAll(async () => {
  key = await edKey();
  edIssuer = createIssuer({ alg: 'EdDSA', ...key }, { ttlSeconds: 600, now });
  edVerifier = createVerifier({ alg: 'EdDSA', jwks: edIssuer.jwks() }, { now });
  hsIssuer = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 600, now });
  hsVerifier = createVerifier({ alg: 'HS256', secret }, { now });
});

/** Signs arbitrary header/claims with the real Ed25519 key: only the verifier's own checks can stop these. */
const signEd = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header }).sign(key.privateKey);

describe('forged or altered tokens', () => {
  it('tampered payload (phase changed, signature kept) → token_invalid in both modes', async () => {
    for (const [issuer, verifier] of [[edIssuer, edVerifier], [hsIssuer, hsVerifier]] as const) {
      const [h, p, s] = parts(await issuer.issue(grant));
      const forged = `${h}.${b64({ ...unb64(p), phase: 'COMPLETE' })}.${s}`;
      expect(await reason(verifier.verify(forged))).toBe('token_invalid');
    }
  });

  it('tampered signature → token_invalid', async () => {
    const [h, p, s] = parts(await edIssuer.issue(grant));
    const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(await reason(edVerifier.verify(`${h}.${p}.${flipped}`))).toBe('token_invalid');
  });

  it('alg "none" (unsecured JWT) → token_invalid in both modes', async () => {
    const token = `${b64({ alg: 'none' })}.${b64(claimsAt(T0))}.`;
    expect(await reason(edVerifier.verify(token))).toBe('token_invalid');
    expect(await reason(hsVerifier.verify(token))).toBe('token_invalid');
  });

  it('HS256 token "signed" with the EdDSA public key bytes → token_invalid (alg confusion)', async () => {
    const jwk = edIssuer.jwks().keys[0] as JWK;
    const rawX = Buffer.from(jwk.x ?? '', 'base64url');
    for (const keyBytes of [rawX, JSON.stringify(jwk), jwk.x ?? '']) {
      const token = hs256({ alg: 'HS256', kid: key.kid }, claimsAt(T0), keyBytes);
      expect(await reason(edVerifier.verify(token))).toBe('token_invalid');
    }
  });

  it('HS256 with the wrong secret → token_invalid', async () => {
    const other = createIssuer({ alg: 'HS256', secret: new TextEncoder().encode('x'.repeat(40)) }, { ttlSeconds: 600, now });
    expect(await reason(hsVerifier.verify(await other.issue(grant)))).toBe('token_invalid');
  });

  it('EdDSA token to an HS256 verifier and HS256 token to an EdDSA verifier → token_invalid', async () => {
    expect(await reason(hsVerifier.verify(await edIssuer.issue(grant)))).toBe('token_invalid');
    expect(await reason(edVerifier.verify(await hsIssuer.issue(grant)))).toBe('token_invalid');
  });

  it('another Ed25519 key claiming our kid → token_invalid', async () => {
    const attacker = await edKey();
    const token = await new SignJWT(claimsAt(T0)).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(attacker.privateKey);
    expect(await reason(edVerifier.verify(token))).toBe('token_invalid');
  });

  it('unknown kid and missing kid → token_invalid', async () => {
    expect(await reason(edVerifier.verify(await signEd(claimsAt(T0), { kid: 'not-our-key' })))).toBe('token_invalid');
    const noKid = await new SignJWT(claimsAt(T0)).setProtectedHeader({ alg: 'EdDSA' }).sign(key.privateKey);
    expect(await reason(edVerifier.verify(noKid))).toBe('token_invalid');
  });

  it('jku / x5u / x5c / jwk headers → token_invalid even when the signature is ours', async () => {
    const headers = [{ jku: 'https://evil.example/jwks.json' }, { x5u: 'https://evil.example/cert' }, { x5c: ['MIIB'] }, { jwk: key.publicJwk }];
    for (const header of headers) {
      expect(await reason(edVerifier.verify(await signEd(claimsAt(T0), header)))).toBe('token_invalid');
    }
  });

  it('embedded attacker "jwk" header with the attacker\'s own signature → token_invalid', async () => {
    const attacker = await edKey();
    const token = await new SignJWT(claimsAt(T0))
      .setProtectedHeader({ alg: 'EdDSA', kid: attacker.kid, jwk: attacker.publicJwk })
      .sign(attacker.privateKey);
    expect(await reason(edVerifier.verify(token))).toBe('token_invalid');
  });
});

describe('claims', () => {
  it('expired token (frozen clock moved past exp) → token_expired; exp == now is expired', async () => {
    const token = await edIssuer.issue(grant);
    let t = T0;
    const verifier = createVerifier({ alg: 'EdDSA', jwks: edIssuer.jwks() }, { now: () => t });
    t = T0 + 599_999;
    expect((await verifier.verify(token)).sub).toBe('agent-1');
    t = T0 + 600_000;
    expect(await reason(verifier.verify(token))).toBe('token_expired');
    const tolerant = createVerifier({ alg: 'EdDSA', jwks: edIssuer.jwks() }, { now: () => t, clockToleranceSec: 5 });
    expect((await tolerant.verify(token)).sub).toBe('agent-1');
  });

  it('wrong aud, wrong iss, and an aud array → token_invalid', async () => {
    for (const bad of [{ aud: 'other' }, { iss: 'someone-else' }, { aud: ['phasegate', 'other'] }]) {
      expect(await reason(edVerifier.verify(await signEd(claimsAt(T0, bad))))).toBe('token_invalid');
    }
  });

  it('missing jti, epoch, task_id, sub or exp → token_invalid', async () => {
    for (const claim of ['jti', 'epoch', 'task_id', 'sub', 'exp']) {
      const c = claimsAt(T0);
      delete c[claim];
      expect(await reason(edVerifier.verify(await signEd(c))), claim).toBe('token_invalid');
    }
  });

  it('wrong claim types → token_invalid', async () => {
    const bad = [{ epoch: 1.5 }, { epoch: '3' }, { epoch: -1 }, { allowed_tools: 'read_file' }, { allowed_tools: [1] }, { contract: 7 }, { phase: 5 }, { phase: '' }];
    for (const b of bad) {
      expect(await reason(edVerifier.verify(await signEd(claimsAt(T0, b)))), JSON.stringify(b)).toBe('token_invalid');
    }
  });

  it('empty token → token_missing; garbage and oversize → token_invalid', async () => {
    expect(await reason(edVerifier.verify(''))).toBe('token_missing');
    expect(await reason(edVerifier.verify(undefined as unknown as string))).toBe('token_missing');
    expect(await reason(edVerifier.verify('abc'))).toBe('token_invalid');
    expect(await reason(edVerifier.verify('a.b.c'))).toBe('token_invalid');
    expect(await reason(hsVerifier.verify('x'.repeat(20_000)))).toBe('token_invalid');
  });
});
