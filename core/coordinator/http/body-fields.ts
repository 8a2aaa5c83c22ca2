/**
 * Small typed readers for request bodies. Each throws `invalid_body` with `path` naming the
 * offending field (`evidence.test_runs[0].failed`), so a client learns exactly what to fix.
 * `at` is the path of `obj` itself ('' for the body).
 */
import { PhasegateError } from '../../errors.js';

export type Json = Record<string, unknown>;

export function invalidField(path: string, message: string): PhasegateError {
  return new PhasegateError('invalid_body', `${path}: ${message}`, { path });
}

const join = (at: string, key: string) => (at === '' ? key : `${at}.${key}`);

/** The value must be a JSON object; a missing body counts as `{}` only when `emptyOk`. */
export function objectBody(body: unknown, emptyOk = false, at = '$'): Json {
  if (body === undefined && emptyOk) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidField(at, 'must be a JSON object');
  return body as Json;
}

export function str(obj: Json, key: string, at = '', max = 10_000): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0) throw invalidField(join(at, key), 'must be a non-empty string');
  if (v.length > max) throw invalidField(join(at, key), `must be at most ${max} characters`);
  return v;
}

export function optStr(obj: Json, key: string, at = '', max = 10_000): string | undefined {
  return obj[key] === undefined ? undefined : str(obj, key, at, max);
}

export function int(obj: Json, key: string, at = '', min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalidField(join(at, key), `must be an integer in ${min}..${max}`);
  return v;
}

export function optInt(obj: Json, key: string, at = '', min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return obj[key] === undefined ? undefined : int(obj, key, at, min, max);
}

export function optStrArray(obj: Json, key: string, at = '', maxItems = 1000): string[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const path = join(at, key);
  if (!Array.isArray(v) || v.length > maxItems) throw invalidField(path, `must be an array of at most ${maxItems} strings`);
  v.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) throw invalidField(`${path}[${i}]`, 'must be a non-empty string');
  });
  return v as string[];
}

export function optObject(obj: Json, key: string, at = ''): Json | undefined {
  return obj[key] === undefined ? undefined : objectBody(obj[key], false, join(at, key));
}

/** An object whose every value is a string (e.g. file → sha256). */
export function optStrRecord(obj: Json, key: string, at = ''): Record<string, string> | undefined {
  const rec = optObject(obj, key, at);
  if (rec === undefined) return undefined;
  for (const k of Object.keys(rec)) str(rec, k, join(at, key));
  return rec as Record<string, string>;
}

export function optArray(obj: Json, key: string, at = '', maxItems = 10_000): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > maxItems) throw invalidField(join(at, key), `must be an array of at most ${maxItems} items`);
  return v;
}
