import { canonicalJson, sha256Hex } from '../../core/contract/canonical-json.js';

/** Keys whose values never reach the log: a leaked audit log must not leak credentials. */
const SECRET_KEY = /(secret|token|password|passwd|api[_-]?key|authorization|private[_-]?key|credential)/i;
/** Top-level args that carry file contents: stored as a digest, so the log proves what was written without copying it. */
const CONTENT_KEYS = new Set(['content', 'old', 'new']);
/** Any single string above this is stored as a digest (bounds record size). */
const MAX_STRING_BYTES = 4096;
/** Redacted args whose canonical JSON exceeds this are stored as one digest: a record stays a few KiB (SPEC §9). */
const MAX_ARGS_BYTES = 16 * 1024;
const MAX_DEPTH = 16;
export const REDACTED = '[redacted]';

export interface Digest {
  readonly sha256: string;
  readonly bytes: number;
}

function digest(text: string): Digest {
  return { sha256: sha256Hex(text), bytes: Buffer.byteLength(text) };
}

/**
 * Secrets passed on a command line (`--token X`, `--password=X`, `API_KEY=X`,
 * `Authorization: Bearer X`): best effort, since a command is free text.
 */
const SECRET_WORD = '[\\w.-]*(?:secret|token|password|passwd|api[_-]?key|authorization|private[_-]?key|credential)[\\w.-]*';
const COMMAND_SECRETS: readonly RegExp[] = [
  // Bearer first: `Authorization: Bearer X` must not leave X behind once the header name matched.
  /(\bBearer\s+)\S+/gi,
  new RegExp(`(\\b${SECRET_WORD}\\s*[=:]\\s*)("[^"]*"|'[^']*'|\\S+)`, 'gi'),
  new RegExp(`(--?${SECRET_WORD}\\s+)("[^"]*"|'[^']*'|\\S+)`, 'gi'),
];

function redactCommandText(text: string): string {
  let out = text;
  for (const pattern of COMMAND_SECRETS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}

const SECRET_FLAG = new RegExp(`^--?${SECRET_WORD}$`, 'i');

function redactArgv(argv: readonly unknown[]): unknown[] {
  return argv.map((word, i) => {
    if (typeof word !== 'string') return word;
    const before = argv[i - 1];
    if (typeof before === 'string' && SECRET_FLAG.test(before)) return REDACTED;
    return redactCommandText(word);
  });
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return Buffer.byteLength(value) > MAX_STRING_BYTES ? digest(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return digest(canonicalJson(value));
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(item, depth + 1);
  }
  return out;
}

/**
 * What the audit log stores for a call's args (SPEC §9): file contents (`content`, `old`,
 * `new`) as `{sha256, bytes}`, secret-named keys (incl. `token`, `phase_token`) as
 * "[redacted]" at any depth, secrets on command lines masked, long strings digested, and
 * the whole digested if it is still over 16 KiB.
 */
export function redactArgs(tool: string | null, args: unknown): unknown {
  return redactArgsJson(tool, args).value;
}

/** `redactArgs` with the canonical JSON of its result, serialized once for the size check and the record alike. */
export function redactArgsJson(tool: string | null, args: unknown): { readonly value: unknown; readonly json: string } {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    const value = redactValue(args, 0);
    return { value, json: canonicalJson(value) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else if (CONTENT_KEYS.has(key) && typeof value === 'string') out[key] = digest(value);
    else if (tool === 'run_command' && key === 'command' && typeof value === 'string') out[key] = redactValue(redactCommandText(value), 1);
    else if (tool === 'run_command' && key === 'argv' && Array.isArray(value)) out[key] = redactValue(redactArgv(value), 1);
    else out[key] = redactValue(value, 1);
  }
  const text = canonicalJson(out);
  if (Buffer.byteLength(text) <= MAX_ARGS_BYTES) return { value: out, json: text };
  const whole = { ...digest(text), truncated: true };
  return { value: whole, json: canonicalJson(whole) };
}
