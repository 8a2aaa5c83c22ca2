/** Shared setup for token tests: keys, a frozen clock, a grant, and hand-crafted JWT pieces. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { PhaseGrant } from '../../core/tokens/index.js';

export const T0 = Date.UTC(2030, 0, 1);

export const grant: PhaseGrant = {
  sub: 'agent-1',
  task_id: 'task-1',
  phase: 'TDD',
  allowed_tools: ['read_file', 'write_file', 'run_tests'],
  epoch: 3,
  contract: 'a'.repeat(64),
};

export const secret = new TextEncoder().encode('s'.repeat(40));

export async function edKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk) };
}

export const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
export const unb64 = (s: string): Record<string, unknown> => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Splits a compact JWS into its three segments. */
export function parts(token: string): [string, string, string] {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a compact JWS');
  return [h, p, s];
}

/** A complete valid claim set at T0, for tokens signed by hand. */
export function claimsAt(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000);
  return {
    ...grant,
    iss: 'phasegate-coordinator',
    aud: 'phasegate',
    iat,
    exp: iat + 600,
    jti: 'jti-1',
    ...overrides,
  };
}
