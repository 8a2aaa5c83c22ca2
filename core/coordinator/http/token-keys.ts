/** Builds the token issuer and verifier for the configured mode (HS256 secret or the data dir's Ed25519 key). */
import { join } from 'node:path';
import { SIGNING_KEY_FILE, createIssuer, createVerifier, loadOrCreateSigningKey, resolveTokenMode } from '../../tokens/index.js';
import type { TokenIssuer, TokenVerifier } from '../../tokens/types.js';

export async function createTokenKeys(opts: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  ttlSeconds: number;
  now: () => number;
}): Promise<{ issuer: TokenIssuer; verifier: TokenVerifier; signingKeyFile: string | null }> {
  const mode = resolveTokenMode(opts.env);
  const config = { ttlSeconds: opts.ttlSeconds, now: opts.now };
  if (mode.alg === 'HS256') {
    return { issuer: createIssuer(mode, config), verifier: createVerifier(mode, { now: opts.now }), signingKeyFile: null };
  }
  const key = await loadOrCreateSigningKey(opts.dataDir);
  const issuer = createIssuer({ alg: 'EdDSA', privateKey: key.privateKey, publicJwk: key.publicJwk, kid: key.kid }, config);
  return { issuer, verifier: createVerifier({ alg: 'EdDSA', jwks: issuer.jwks() }, { now: opts.now }), signingKeyFile: join(opts.dataDir, SIGNING_KEY_FILE) };
}
