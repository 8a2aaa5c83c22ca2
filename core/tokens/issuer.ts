/** Signs phase tokens (coordinator side). */
import { KeyObject as NodeKeyObject, createHmac, randomUUID, sign } from 'node:crypto';
import type { CryptoKey, JWK, KeyObject } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, isEd25519PublicJwk } from './claims-shape.js';
import { MIN_SECRET_BYTES } from './token-mode.js';
import type { PhaseClaims, PhaseGrant, TokenIssuer } from './types.js';

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

  // Signed here with node:crypto: jose's WebCrypto path costs ~50 µs of promise plumbing per
  // token. Ed25519 signs on the libuv thread pool, so a caller that starts `issue` inside its
  // write transaction gets the signature computed while the commit syncs (coordinator
  // signAhead); HMAC is ~3 µs and stays inline. Tokens are plain JWS compact serialization,
  // verified by jose like any other (tests/tokens).
  const encodedHeader = base64url(JSON.stringify(header));
  const signer = signerFor(key);
  async function issueWithClaims(grant: PhaseGrant): Promise<{ token: string; claims: PhaseClaims }> {
    const iat = Math.floor(now() / 1000);
    // Claims are copied field by field so nothing else in `grant` rides along into a signed token.
    const payload: PhaseClaims = {
      task_id: grant.task_id,
      phase: grant.phase,
      allowed_tools: [...grant.allowed_tools],
      epoch: grant.epoch,
      contract: grant.contract,
      ...(grant.visit === undefined ? {} : { visit: grant.visit }),
      ...(grant.evidence === undefined ? {} : { evidence: grant.evidence }),
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: grant.sub,
      iat,
      exp: iat + ttlSeconds,
      jti: randomUUID(),
    };
    const input = `${encodedHeader}.${base64url(JSON.stringify(payload))}`;
    const token = `${input}.${await signer(input)}`;
    // The claims are the payload as signed; frozen, they can be shared with a claims cache.
    Object.freeze(payload.allowed_tools);
    return { token, claims: Object.freeze(payload) };
  }
  return {
    alg: header.alg,
    issue: async (grant) => (await issueWithClaims(grant)).token,
    issueWithClaims,
    jwks: () => ({ keys: [...published] }),
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** HMAC-SHA256 for a secret (inline), Ed25519 for a private key on the thread pool (a WebCrypto CryptoKey is converted once). */
function signerFor(key: CryptoKey | KeyObject | Uint8Array): (input: string) => string | Promise<string> {
  if (key instanceof Uint8Array) return (input) => createHmac('sha256', key).update(input).digest('base64url');
  const keyObject = key instanceof NodeKeyObject ? key : NodeKeyObject.from(key as Parameters<typeof NodeKeyObject.from>[0]);
  return (input) =>
    new Promise((resolve, reject) => sign(null, Buffer.from(input), keyObject, (err, sig) => (err ? reject(err) : resolve(sig.toString('base64url')))));
}
