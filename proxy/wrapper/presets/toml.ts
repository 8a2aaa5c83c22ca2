/** TOML values for Codex's `-c key=value` overrides (Codex parses the value as TOML). */

/** A TOML basic string: every control character escaped (TOML allows none unescaped but tab). */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

export function tomlArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}

/** An inline table of strings; keys are quoted, so any variable name is safe. */
export function tomlInlineTable(entries: Readonly<Record<string, string>>): string {
  return `{${Object.entries(entries).map(([k, v]) => `${tomlString(k)} = ${tomlString(v)}`).join(', ')}}`;
}
