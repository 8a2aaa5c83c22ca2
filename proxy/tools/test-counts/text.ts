/** Small text helpers shared by the runner parsers. */

export function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(re)) last = m as RegExpExecArray;
  return last;
}

export function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

/** How many JSON objects lastJsonObject tries, from the end (output is capped, so this stays cheap). */
const MAX_TRIES = 50;

/**
 * The last JSON object in the output that `accept` recognizes, with its offset. A reporter
 * prints it either on one line (vitest, jest) or pretty-printed up to the end (mocha), so
 * each `{` that starts a line is tried as both.
 */
export function lastJsonObject<T>(text: string, accept: (v: unknown) => T | undefined): { value: T; at: number } | undefined {
  let tries = 0;
  for (let at = text.lastIndexOf('\n{'); tries < MAX_TRIES; at = text.lastIndexOf('\n{', at - 1), tries++) {
    const start = at === -1 ? (text.startsWith('{') ? 0 : -1) : at + 1;
    if (start === -1) return undefined;
    const lineEnd = text.indexOf('\n', start);
    for (const candidate of [text.slice(start, lineEnd === -1 ? undefined : lineEnd), text.slice(start)]) {
      try {
        const value = accept(JSON.parse(candidate.trim()));
        if (value !== undefined) return { value, at: start };
      } catch {
        // not JSON from here: try the next candidate
      }
    }
    if (at <= 0) return undefined;
  }
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}
