/** Verifies phase tokens (sidecar and coordinator side). */
import { createLocalJWKSet, jwtVerify, type JWK, type JWTVerifyGetKey, type JWSHeaderParameters } from 'jose';
import { PhasegateError } from '../errors.js';
import { KEY_REFERENCE_HEADERS, TOKEN_AUDIENCE, TOKEN_ISSUER, isEd25519PublicJwk } from './claims-shape.js';
import { claimsFromPayload, tokenErrorFromJose } from './verify-result.js';
import { MIN_SECRET_BYTES } from './token-mode.js';
import type { PhaseClaims, TokenVerifier } from './types.js';

/** `jwks` is checked at runtime (it usually arrives as JSON from `/.well-known/jwks.json`), hence `object[]`. */
export type VerifierKeyOptions = { alg: 'EdDSA'; jwks: { keys: readonly object[] } } | { alg: 'HS256'; secret: Uint8Array };

export interface VerifierConfig {
  /** ms since epoch; handed to jose as `currentDate`. */
  now?: () => number;
  /** Accepted clock skew on `exp`, seconds (default 0). */
  clockToleranceSec?: number;
}

/** Ours are a few hundred bytes; refusing huge strings early keeps a flood of junk from costing base64 and JSON work. */
const MAX_TOKEN_LENGTH = 16 * 1024;

const REQUIRED_CLAIMS = ['exp', 'iat', 'jti', 'sub', 'task_id', 'phase', 'epoch'];

/** Builds a verifier pinned to exactly one algorithm; throws a TypeError naming the bad option at construction. */
export function createVerifier(opts: VerifierKeyOptions, config: VerifierConfig = {}): TokenVerifier {
  const { now = Date.now, clockToleranceSec = 0 } = config;
  if (typeof now !== 'function') throw new TypeError('"now" must be a function');
  if (!Number.isFinite(clockToleranceSec) || clockToleranceSec < 0) throw new TypeError('"clockToleranceSec" must be a non-negative number');

  let key: Uint8Array | JWTVerifyGetKey;
  if (opts.alg === 'EdDSA') {
    const keys: unknown = opts.jwks?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('"jwks.keys" must be a non-empty array');
    for (const jwk of keys) {
      if (!isEd25519PublicJwk(jwk) || typeof jwk.kid !== 'string') {
        throw new TypeError('"jwks.keys" must hold public Ed25519 JWKs with a "kid"');
      }
    }
    // Keys go through a local JWK set, never as raw bytes: jose takes a Uint8Array as an HMAC
    // secret, so a public key passed as bytes would let anyone mint HS256 tokens "signed" with it.
    const localSet = createLocalJWKSet({ keys: keys as JWK[] });
    key = async (header, token) => {
      // Without a kid any key in the set could be tried; with rotation that is ambiguous, so we require it.
      if (typeof header.kid !== 'string') throw new PhasegateError('token_invalid', 'missing "kid" header');
      return localSet(header, token);
    };
  } else if (opts.alg === 'HS256') {
    if (!(opts.secret instanceof Uint8Array) || opts.secret.byteLength < MIN_SECRET_BYTES) {
      throw new TypeError(`"secret" must be a Uint8Array of at least ${MIN_SECRET_BYTES} bytes`);
    }
    // A copy: a caller reusing or zeroing its buffer later must not change what we sign or verify with.
    key = new Uint8Array(opts.secret);
  } else {
    throw new TypeError('"alg" must be "EdDSA" or "HS256"');
  }
  // Exactly one algorithm: stops alg confusion (HS256 vs EdDSA) and `alg: none`.
  const algorithms = [opts.alg];

  return {
    async verify(token: string): Promise<PhaseClaims> {
      if (typeof token !== 'string' || token.length === 0) throw new PhasegateError('token_missing', 'phase token missing');
      if (token.length > MAX_TOKEN_LENGTH) throw new PhasegateError('token_invalid', 'token too long', { length: token.length });
      let result;
      try {
        result = await jwtVerify(token, key, {
          algorithms,
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          requiredClaims: REQUIRED_CLAIMS,
          currentDate: new Date(now()),
          clockTolerance: clockToleranceSec,
        });
      } catch (err) {
        throw tokenErrorFromJose(err);
      }
      rejectKeyReferences(result.protectedHeader);
      return claimsFromPayload(result.payload);
    },
  };
}

/** jose never fetches these, but a token naming its own key source is not one of ours: refuse it outright. */
function rejectKeyReferences(header: JWSHeaderParameters): void {
  for (const name of KEY_REFERENCE_HEADERS) {
    if (Object.hasOwn(header, name)) throw new PhasegateError('token_invalid', `"${name}" header not allowed`);
  }
}
