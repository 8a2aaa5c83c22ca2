/** An artifact (any JSON) as indented plain text, for a `<pre>`: keys, list items, multi-line strings. */
export function readable(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return `${indent}—`;
  if (typeof value !== 'object') return indentLines(String(value), indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    // `- key: value` with the item's other keys aligned under the first (YAML's list style).
    return value.map((v) => (isScalar(v) ? `${indent}-${spaced(oneLine(v, indent + '  '))}` : `${indent}- ${readable(v, indent + '  ').slice(indent.length + 2)}`)).join('\n');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return `${indent}(empty)`;
  return entries
    .map(([k, v]) => (isScalar(v) ? `${indent}${k}:${spaced(oneLine(v, indent + '  '))}` : `${indent}${k}:\n${readable(v, indent + '  ')}`))
    .join('\n');
}

/** A one-line value follows its key after a space; a multi-line one starts on the next line. */
const spaced = (text: string): string => (text.startsWith('\n') ? text : ` ${text}`);

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function oneLine(v: unknown, indent: string): string {
  const s = v === null ? '—' : String(v);
  return s.includes('\n') ? `\n${indentLines(s, indent)}` : s;
}

function indentLines(s: string, indent: string): string {
  return s
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
}
