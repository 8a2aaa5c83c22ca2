/**
 * Defensive readers for a document that may have failed schema validation: semantic checks
 * still run on it (so every error is reported in one pass) and must not trip over bad shapes.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function recordAt(value: unknown, key: string): Record<string, unknown> {
  const inner = isRecord(value) ? value[key] : undefined;
  return isRecord(inner) ? inner : {};
}

export function arrayAt(value: unknown, key: string): unknown[] {
  const inner = isRecord(value) ? value[key] : undefined;
  return Array.isArray(inner) ? inner : [];
}

export function stringAt(value: unknown, key: string): string | undefined {
  const inner = isRecord(value) ? value[key] : undefined;
  return typeof inner === 'string' ? inner : undefined;
}

/** The string items of a list, each with its index (non-strings are the schema's to report). */
export function stringItems(list: readonly unknown[]): [string, number][] {
  return list.flatMap((item, index): [string, number][] => (typeof item === 'string' ? [[item, index]] : []));
}
