/**
 * Reads claims from a JWT without verifying it. The SDK only uses them to schedule a refresh,
 * to know its phase before any call, and to name its own task when it claims again; the sidecar verifies every token, so a
 * forged claim gains the agent nothing.
 */
function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function tokenExpiry(token: string): number | undefined {
  const exp = unverifiedClaims(token)?.exp;
  return typeof exp === 'number' ? exp : undefined;
}

export function tokenTaskId(token: string): string | undefined {
  const id = unverifiedClaims(token)?.task_id;
  return typeof id === 'string' ? id : undefined;
}

export function tokenPhase(token: string): string | undefined {
  const phase = unverifiedClaims(token)?.phase;
  return typeof phase === 'string' ? phase : undefined;
}
