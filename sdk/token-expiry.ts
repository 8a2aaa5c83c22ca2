/**
 * Reads `exp` from a JWT without verifying it. The SDK only uses this to schedule a
 * refresh; the sidecar verifies every token, so a forged `exp` gains the agent nothing.
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
