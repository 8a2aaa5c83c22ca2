/** Signs phase tokens (coordinator side). */
import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, isEd25519PublicJwk } from './claims-shape.js';
import { MIN_SECRET_BYTES } from './token-mode.js';
import type { PhaseGrant, TokenIssuer } from './types.js';

export type IssuerKeyOptions =
  | { alg: 'EdDSA'; privateKey: CryptoKey | KeyObject; publicJwk: JWK; kid: string }
  | { alg: 'HS256'; secret: Uint8Array };

export interface IssuerConfig {
  /** Token lifetime in seconds (SPEC §3 `PHASEGATE_TOKEN_TTL`, default 7200 there). */
  ttlSeconds: number;
  /** ms since epoch. */
  now?: () => number;
}

/** Builds an issuer; throws a TypeError naming the bad option at construction, never at the first `issue`. */
export function createIssuer(opts: IssuerKeyOptions, config: IssuerConfig): TokenIssuer {
  const { ttlSeconds, now = Date.now } = config;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new TypeError('"ttlSeconds" must be a positive integer');
  if (typeof now !== 'function') throw new TypeError('"now" must be a function');

  let key: CryptoKey | KeyObject | Uint8Array;
  let header: { alg: 'EdDSA'; kid: string } | { alg: 'HS256' };
  let published: object[];
  if (opts.alg === 'EdDSA') {
    if (typeof opts.privateKey !== 'object' || opts.privateKey === null || opts.privateKey.type !== 'private') {
      throw new TypeError('"privateKey" must be a private key');
    }
    if (!isEd25519PublicJwk(opts.publicJwk)) throw new TypeError('"publicJwk" must be a public Ed25519 JWK (no "d")');
    if (typeof opts.kid !== 'string' || opts.kid.length === 0) throw new TypeError('"kid" must be a non-empty string');
    key = opts.privateKey;
    header = { alg: 'EdDSA', kid: opts.kid };
    // Only the public members are copied: whatever else the caller's JWK holds is never published.
    published = [Object.freeze({ kty: 'OKP', crv: 'Ed25519', x: opts.publicJwk.x, kid: opts.kid, alg: 'EdDSA', use: 'sig' })];
  } else if (opts.alg === 'HS256') {
    if (!(opts.secret instanceof Uint8Array) || opts.secret.byteLength < MIN_SECRET_BYTES) {
      throw new TypeError(`"secret" must be a Uint8Array of at least ${MIN_SECRET_BYTES} bytes`);
    }
    // A copy: a caller reusing or zeroing its buffer later must not change what we sign or verify with.
    key = new Uint8Array(opts.secret);
    header = { alg: 'HS256' };
    // The shared secret is never published: HS256 verifiers get it out of band.
    published = [];
  } else {
    throw new TypeError('"alg" must be "EdDSA" or "HS256"');
  }

  return {
    alg: header.alg,
    async issue(grant: PhaseGrant): Promise<string> {
      const iat = Math.floor(now() / 1000);
      // Claims are copied field by field so nothing else in `grant` rides along into a signed token.
      return new SignJWT({
        task_id: grant.task_id,
        phase: grant.phase,
        allowed_tools: [...grant.allowed_tools],
        epoch: grant.epoch,
        contract: grant.contract,
        ...(grant.visit === undefined ? {} : { visit: grant.visit }),
        ...(grant.evidence === undefined ? {} : { evidence: grant.evidence }),
      })
        .setProtectedHeader(header)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(grant.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID())
        .sign(key);
    },
    jwks: () => ({ keys: [...published] }),
  };
}
