/** Shape checks for what callers hand the engine; a bad value is `invalid_body` naming its path. */
import { PhasegateError } from '../errors.js';

const MAX_TEXT = 100_000;
const MAX_NAME = 256;

export function invalid(path: string, message: string): never {
  throw new PhasegateError('invalid_body', `${path}: ${message}`, { path });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectAt(v: unknown, path: string): Record<string, unknown> {
  return isPlainObject(v) ? v : invalid(path, 'must be an object');
}

/** A non-empty string of at most `max` characters (names, ids, titles). */
export function nameAt(v: unknown, path: string, max = MAX_NAME): string {
  if (typeof v !== 'string' || v.trim().length === 0) return invalid(path, 'must be a non-empty string');
  return v.length > max ? invalid(path, `must be at most ${max} characters`) : v;
}

export function optionalText(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return invalid(path, 'must be a string');
  return v.length > MAX_TEXT ? invalid(path, `must be at most ${MAX_TEXT} characters`) : v;
}

export function optionalNames(v: unknown, path: string, max = MAX_NAME): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return invalid(path, 'must be an array of strings');
  return v.map((item, i) => nameAt(item, `${path}/${i}`, max));
}

export function optionalTexts(v: unknown, path: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return invalid(path, 'must be an array of strings');
  return v.map((item, i) => optionalText(item, `${path}/${i}`) ?? invalid(`${path}/${i}`, 'must be a string'));
}

export function integerAt(v: unknown, path: string, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return invalid(path, 'must be an integer');
  return v < min ? invalid(path, `must be ≥ ${min}`) : v;
}
