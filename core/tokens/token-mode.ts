/** Which signing mode the coordinator and sidecars use (SPEC §3): HS256 with a shared secret, or EdDSA. */

/** Below this an HS256 secret can be brute-forced offline from any one token (RFC 7518 §3.2 asks ≥ 256 bits). */
export const MIN_SECRET_BYTES = 32;

export type TokenMode = { alg: 'HS256'; secret: Uint8Array } | { alg: 'EdDSA' };

const SECRET_VARS = ['PHASEGATE_JWT_SECRET', 'ORCHESTRATOR_JWT_SECRET'] as const;

/**
 * HS256 when `PHASEGATE_JWT_SECRET` (or its alias `ORCHESTRATOR_JWT_SECRET`) is set, else
 * EdDSA. A set but short secret (empty included) throws a TypeError naming the variable, so
 * the coordinator refuses to start instead of signing with a guessable key.
 */
export function resolveTokenMode(env: NodeJS.ProcessEnv): TokenMode {
  for (const name of SECRET_VARS) {
    const value = env[name];
    if (value === undefined) continue;
    const secret = new TextEncoder().encode(value);
    if (secret.byteLength < MIN_SECRET_BYTES) {
      throw new TypeError(`${name} must be at least ${MIN_SECRET_BYTES} bytes (got ${secret.byteLength})`);
    }
    return { alg: 'HS256', secret };
  }
  return { alg: 'EdDSA' };
}
