/** Coordinator configuration: `DATA/config.yaml` (optional) overlaid by the environment (environment wins). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const CONFIG_FILE = 'config.yaml';

export interface CoordinatorConfig {
  readonly dataDir: string;
  /** Explicit keys (environment or config file); unset ones are generated into the data dir. */
  readonly adminKey: string | undefined;
  readonly sidecarKey: string | undefined;
  readonly auditorKey: string | undefined;
  /** Environment for `resolveTokenMode`: the config file's `jwt_secret` merged under the real env. */
  readonly tokenEnv: NodeJS.ProcessEnv;
  readonly tokenTtlS: number;
  readonly leaseMs: number;
  readonly bodyLimitBytes: number;
  /** Open connections (HTTP + event streams) before one more is refused with 503 (SPEC §11 Limits). */
  readonly maxConnections: number;
  readonly host: string | undefined;
  readonly port: number | undefined;
}

/** config.yaml key → environment variable; the file is the same settings, written down. */
const FILE_KEYS: Record<string, string> = {
  admin_key: 'PHASEGATE_ADMIN_KEY',
  sidecar_key: 'PHASEGATE_SIDECAR_KEY',
  auditor_key: 'PHASEGATE_AUDITOR_KEY',
  jwt_secret: 'PHASEGATE_JWT_SECRET',
  token_ttl: 'PHASEGATE_TOKEN_TTL',
  lease_ms: 'PHASEGATE_LEASE_MS',
  body_limit_bytes: 'PHASEGATE_BODY_LIMIT',
  max_connections: 'PHASEGATE_MAX_CONNECTIONS',
  host: 'PHASEGATE_HOST',
  port: 'PHASEGATE_PORT',
};

/** Below this a bearer key is guessable by an online brute force against the API. */
export const MIN_KEY_CHARS = 16;

/**
 * Reads the config file and environment and validates every value; throws one TypeError
 * listing every problem, so a misconfigured coordinator refuses to start instead of
 * running with a default the operator did not mean.
 */
export function loadConfig(dataDir: string, env: NodeJS.ProcessEnv): CoordinatorConfig {
  const problems: string[] = [];
  const merged: NodeJS.ProcessEnv = { ...readConfigFile(dataDir, problems), ...env };
  const key = (name: string): string | undefined => {
    const value = merged[name];
    if (value === undefined) return undefined;
    if (value.length < MIN_KEY_CHARS) problems.push(`${name} must be at least ${MIN_KEY_CHARS} characters`);
    return value;
  };
  const adminKey = key('PHASEGATE_ADMIN_KEY');
  const sidecarKey = key('PHASEGATE_SIDECAR_KEY');
  const auditorKey = key('PHASEGATE_AUDITOR_KEY');
  // One key for two roles would let every sidecar (or auditor) approve transitions.
  if (adminKey !== undefined && adminKey === sidecarKey) problems.push('PHASEGATE_ADMIN_KEY and PHASEGATE_SIDECAR_KEY must differ');
  if (auditorKey !== undefined && (auditorKey === adminKey || auditorKey === sidecarKey)) {
    problems.push('PHASEGATE_AUDITOR_KEY must differ from PHASEGATE_ADMIN_KEY and PHASEGATE_SIDECAR_KEY');
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = merged[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  };
  const config: CoordinatorConfig = {
    dataDir,
    adminKey,
    sidecarKey,
    auditorKey,
    tokenEnv: merged,
    tokenTtlS: int('PHASEGATE_TOKEN_TTL', 7200, 10, 30 * 86_400),
    leaseMs: int('PHASEGATE_LEASE_MS', 60_000, 100, 86_400_000),
    bodyLimitBytes: int('PHASEGATE_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    // A fleet: each sidecar keeps an event stream and a keep-alive connection or two.
    maxConnections: int('PHASEGATE_MAX_CONNECTIONS', 1024, 2, 1_000_000),
    host: merged.PHASEGATE_HOST === undefined || merged.PHASEGATE_HOST === '' ? undefined : merged.PHASEGATE_HOST,
    port: merged.PHASEGATE_PORT === undefined ? undefined : int('PHASEGATE_PORT', 8000, 0, 65535),
  };
  if (problems.length > 0) throw new TypeError(`invalid coordinator configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function readConfigFile(dataDir: string, problems: string[]): NodeJS.ProcessEnv {
  const file = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push(`${file}: must be a mapping of settings`);
    return {};
  }
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(doc)) {
    const name = FILE_KEYS[k];
    if (name === undefined) problems.push(`${file}: unknown setting "${k}" (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    else if (typeof v === 'string' || typeof v === 'number') out[name] = String(v);
    else problems.push(`${file}: "${k}" must be a string or number`);
  }
  return out;
}
