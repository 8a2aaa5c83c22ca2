/** Constants and shape checks both ends of a phase token agree on (SPEC §4). */
import type { JWK } from 'jose';

export const TOKEN_ISSUER = 'phasegate-coordinator';
export const TOKEN_AUDIENCE = 'phasegate';

/** Headers that point a verifier at keys chosen by the token's author; we only trust our own keys. */
export const KEY_REFERENCE_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

/** True for a public Ed25519 JWK. A JWK carrying `d` is a private key and must never be published or trusted as a verification key. */
export function isEd25519PublicJwk(jwk: unknown): jwk is JWK {
  if (typeof jwk !== 'object' || jwk === null) return false;
  const k = jwk as Record<string, unknown>;
  return k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string' && k.x.length > 0 && k.d === undefined;
}
