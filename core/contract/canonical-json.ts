import { hash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units, like Array.sort),
 * no whitespace, `undefined` members dropped. Two documents that differ only in key order
 * or formatting serialize identically, so their hashes match (the contract's `sha256`,
 * artifact hashes, audit record hashes).
 *
 * Written for the audit hot path (every tool call serializes its args here): one string
 * built in place, and keys sorted only when they are not in order already (objects the
 * sidecar builds itself usually are).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // JSON.stringify(undefined | function | symbol) is undefined: serialize as null, as arrays do.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return arrayJson(value);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!inOrder(keys)) keys.sort();
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(key) + ':' + canonicalJson(item);
  }
  return out + '}';
}

function arrayJson(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    // A hole stays empty, as Array.prototype.map + join always did (JSON input has none).
    if (i in items) out += canonicalJson(items[i]);
  }
  return out + ']';
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/** sha256 hex of a string (UTF-8) or bytes. One-shot `crypto.hash`: half the cost of createHash on the audit hot path. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** sha256 hex of the canonical JSON of a value. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
