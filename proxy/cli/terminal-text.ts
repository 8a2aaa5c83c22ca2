/**
 * Text that came from an agent (tool names, paths, reasons, artifacts, task titles) made safe
 * for an operator's terminal (SPEC §13). An agent controls every byte it sends: a raw `\n`
 * forges a whole line (`phasegate: phase REVIEW → COMPLETE`), `\r` overwrites one, and an
 * escape sequence clears the screen, moves the cursor, retitles the window or hides text.
 * Every control character (C0, DEL, C1), every bidi override and zero-width format character
 * becomes a visible `\xNN` / `\u{…}` escape; the backslash is doubled so an escape can't be faked.
 */

// C0 controls, DEL, C1 controls; bidi embeddings/overrides/isolates; zero-width and other
// invisible format characters; line/paragraph separators. `u` flag: code points, not halves.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\\]/gu;

/** One line of agent-controlled text, with every control character shown as an escape. */
export function terminalText(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? 'undefined' : stringify(value);
  return text.replace(UNSAFE, escapeChar);
}

/**
 * Multi-line agent text (a plan, a review summary): each line escaped on its own, joined with
 * real newlines and indented by `indent`, so a line can never start flush left where the
 * operator expects phasegate's own lines.
 */
export function terminalBlock(value: unknown, indent = '    '): string {
  const text = typeof value === 'string' ? value : stringify(value);
  return text
    .split(/\r?\n/)
    .map((line) => indent + terminalText(line))
    .join('\n');
}

function escapeChar(ch: string): string {
  if (ch === '\\') return '\\\\';
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// What JSON.stringify leaves raw but a terminal may act on: DEL, C1 controls, bidi and
// zero-width format characters, line/paragraph separators. (It already escapes C0.)
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;

/** JSON (pretty unless `indent` is 0) that stays valid and prints no control character. */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent === 0 ? undefined : indent).replace(UNSAFE_IN_JSON, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
