import { describe, expect, it } from 'vitest';
import { ClaimsCache, createCachingVerifier, createIssuer, createVerifier, verifyCached, type PhaseClaims, type TokenVerifier } from '../../core/tokens/index.js';
import { T0, edKey, grant, secret } from './token-fixtures.js';

const nowSec = T0 / 1000;
const issuer = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 600, now: () => T0 });
const real = createVerifier({ alg: 'HS256', secret }, { now: () => T0 });

/** The real verifier, counting its calls. */
function counting(): TokenVerifier & { calls: number } {
  const v = { calls: 0, verify: (t: string) => (v.calls++, real.verify(t)) };
  return v;
}

const claims = (exp: number): PhaseClaims => ({ ...grant, iss: 'phasegate-coordinator', aud: 'phasegate', iat: nowSec, exp, jti: 'j' });

describe('verifyCached', () => {
  it('a hit does not call the verifier again', async () => {
    const cache = new ClaimsCache();
    const v = counting();
    const token = await issuer.issue(grant);
    const a = await verifyCached(cache, v, token, nowSec);
    const b = await verifyCached(cache, v, token, nowSec + 10);
    expect(v.calls).toBe(1);
    expect(b).toBe(a);
  });

  it('concurrent misses for one token share one verification', async () => {
    const cache = new ClaimsCache();
    const v = counting();
    const token = await issuer.issue(grant);
    const all = await Promise.all(Array.from({ length: 5 }, () => verifyCached(cache, v, token, nowSec)));
    expect(v.calls).toBe(1);
    expect(new Set(all).size).toBe(1);
  });

  it('failures are not cached: a bad token is verified (and refused) every time', async () => {
    const cache = new ClaimsCache();
    const v = counting();
    await expect(verifyCached(cache, v, 'a.b.c', nowSec)).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(verifyCached(cache, v, 'a.b.c', nowSec)).rejects.toMatchObject({ code: 'token_invalid' });
    expect(v.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('after exp the cache misses and the verifier reports token_expired', async () => {
    const cache = new ClaimsCache();
    const token = await issuer.issue(grant);
    await verifyCached(cache, real, token, nowSec);
    const t = T0 + 600_000;
    const later = createVerifier({ alg: 'HS256', secret }, { now: () => t });
    await expect(verifyCached(cache, later, token, t / 1000)).rejects.toMatchObject({ code: 'token_expired' });
  });
});

describe('ClaimsCache', () => {
  it('drops an entry whose exp <= now', () => {
    const cache = new ClaimsCache();
    cache.set('t', claims(nowSec + 5));
    expect(cache.get('t', nowSec + 4)?.exp).toBe(nowSec + 5);
    expect(cache.get('t', nowSec + 5)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded and evicts the least recently used entry', () => {
    const cache = new ClaimsCache(3);
    for (const t of ['a', 'b', 'c']) cache.set(t, claims(nowSec + 100));
    expect(cache.get('a', nowSec)).toBeDefined(); // a is now most recent; b is oldest
    cache.set('d', claims(nowSec + 100));
    expect(cache.size).toBe(3);
    expect(cache.get('b', nowSec)).toBeUndefined();
    expect(cache.get('a', nowSec)).toBeDefined();
    expect(cache.get('d', nowSec)).toBeDefined();
  });

  it('the token hit last (answered without a map lookup) still expires and is still evicted', () => {
    const cache = new ClaimsCache(2);
    cache.set('a', claims(nowSec + 10));
    cache.set('b', claims(nowSec + 100));
    expect(cache.get('a', nowSec)?.exp).toBe(nowSec + 10);
    expect(cache.get('a', nowSec + 1)?.exp).toBe(nowSec + 10); // the repeated hit
    expect(cache.get('a', nowSec + 10)).toBeUndefined(); // expired, even as the last hit
    cache.set('a', claims(nowSec + 10));
    expect(cache.get('a', nowSec)).toBeDefined(); // a is the last hit again; b is the oldest entry
    cache.set('c', claims(nowSec + 100));
    cache.set('d', claims(nowSec + 100)); // evicts b, then a
    expect(cache.get('a', nowSec)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('the default bound is 10 000 entries', () => {
    const cache = new ClaimsCache();
    for (let i = 0; i < 10_050; i++) cache.set(`t${i}`, claims(nowSec + 100));
    expect(cache.size).toBe(10_000);
    expect(cache.get('t0', nowSec)).toBeUndefined();
    expect(cache.get('t10049', nowSec)).toBeDefined();
  });

  it('rejects a non-positive bound', () => {
    expect(() => new ClaimsCache(0)).toThrow(/maxEntries/);
  });
});

describe('createCachingVerifier', () => {
  it('verifies a token once, then answers from the cache until exp; then the real verifier refuses it', async () => {
    const v = counting();
    let now = T0;
    const cached = createCachingVerifier(v, { now: () => now });
    const token = await issuer.issue(grant);
    await cached.verify(token);
    await cached.verify(token);
    expect(v.calls).toBe(1);
    now = T0 + 601_000; // past the 600 s ttl: the entry is dropped and the real verifier runs
    await expect(cached.verify(token)).resolves.toBeDefined(); // `real` is pinned to T0, so it still accepts…
    expect(v.calls).toBe(2); // …but it was asked again: the cache never serves an expired entry
  });
});

describe('createCachingVerifier.remember', () => {
  it('a token this process issued is accepted without a signature check, until its exp', async () => {
    const v = counting();
    let now = T0;
    const cached = createCachingVerifier(v, { now: () => now });
    const token = await issuer.issue(grant);
    cached.remember(token);
    await expect(cached.verify(token)).resolves.toMatchObject({ task_id: grant.task_id, phase: grant.phase });
    expect(v.calls).toBe(0);
    now = T0 + 601_000;
    await cached.verify(token).catch(() => undefined);
    expect(v.calls).toBe(1); // expired entries are never served from the cache
  });
  it('remembering one token does not vouch for a tampered copy of it', async () => {
    const v = counting();
    const cached = createCachingVerifier(v, { now: () => T0 });
    const token = await issuer.issue(grant);
    cached.remember(token);
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), phase: 'COMPLETE' })).toString('base64url')}.${s}`;
    await expect(cached.verify(forged)).rejects.toMatchObject({ code: 'token_invalid' });
  });
  it('the claims an issuer hands back are exactly what its token carries, for both algorithms, and are frozen', async () => {
    const ed = await edKey();
    const issuers = [issuer, createIssuer({ alg: 'EdDSA', ...ed }, { ttlSeconds: 600, now: () => T0 })];
    const grants = [grant, { ...grant, visit: 3, evidence: 'e'.repeat(64) }];
    for (const iss of issuers) {
      for (const g of grants) {
        const { token, claims } = await (iss.issueWithClaims as NonNullable<typeof iss.issueWithClaims>)(g);
        const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as unknown;
        expect(claims).toStrictEqual(payload);
        expect(Object.isFrozen(claims) && Object.isFrozen(claims.allowed_tools)).toBe(true);
        // Remembered with its claims, the token is answered from the cache: the verifier is never asked.
        const v = counting();
        const cached = createCachingVerifier(v, { now: () => T0 });
        cached.remember(token, claims);
        await expect(cached.verify(token)).resolves.toBe(claims);
        expect(v.calls).toBe(0);
      }
    }
  });
});
