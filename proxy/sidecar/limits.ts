/**
 * SPEC §11 Limits: what one sidecar allows all its connections together, beside the
 * per-connection limits of §5 (8 MiB frames, 32 calls in flight). Attack stopped: an agent
 * opening many connections to multiply those (150 concurrent HTTP run_command calls making
 * 150 processes; 60 unfinished 8 MiB bodies growing the sidecar by 400 MiB).
 */

export interface SidecarLimits {
  /** Commands (run_command, run_tests) running at once; more wait in a FIFO queue. Default 4. */
  readonly maxCommands: number;
  /**
   * Request bytes held in memory at once: HTTP bodies and unfinished WebSocket frames of every
   * connection together; beyond it a request is refused (503) or a socket closed (1013). Default 32 MiB.
   */
  readonly maxBodyBytes: number;
  /** Open connections (WebSocket and HTTP); one more is refused (503) and closed. Default 128. */
  readonly maxConnections: number;
}

const MiB = 1024 * 1024;
export const DEFAULT_LIMITS: SidecarLimits = { maxCommands: 4, maxBodyBytes: 32 * MiB, maxConnections: 128 };

/** Environment names (the operator's `phasegate sidecar` / `phasegate run` environment). */
const ENV: Record<keyof SidecarLimits, string> = {
  maxCommands: 'PHASEGATE_MAX_COMMANDS',
  maxBodyBytes: 'PHASEGATE_MAX_BODY_MEMORY',
  maxConnections: 'PHASEGATE_MAX_CONNECTIONS',
};

/** Options win over the environment, which wins over the defaults. Throws a TypeError naming a bad value. */
export function resolveLimits(given: Partial<SidecarLimits> | undefined, env: NodeJS.ProcessEnv): SidecarLimits {
  const pick = (key: keyof SidecarLimits, min: number): number => {
    const fromEnv = env[ENV[key]];
    const value = given?.[key] ?? (fromEnv === undefined || fromEnv === '' ? DEFAULT_LIMITS[key] : Number(fromEnv));
    if (!Number.isSafeInteger(value) || value < min) {
      throw new TypeError(`limits.${key} (${ENV[key]}) must be an integer ≥ ${min}, got ${JSON.stringify(given?.[key] ?? fromEnv)}`);
    }
    return value;
  };
  // Below one 8 MiB body the largest legal request could never be read.
  return { maxCommands: pick('maxCommands', 1), maxBodyBytes: pick('maxBodyBytes', 8 * MiB), maxConnections: pick('maxConnections', 2) };
}
