/** The plain closing line any runner or script may print: `N passed, N failed` alone on a line (`, N skipped` may follow; one `Word:` may precede it). */
import type { RunnerParser } from './types.js';
import { lastMatch } from './text.js';

export const plain: RunnerParser = (text) => {
  const m = lastMatch(text, /^[ \t]*(?:\w+:[ \t]*)?(\d+) passed, (\d+) failed(?:, \d+ skipped)?[ \t]*$/gm);
  return m === undefined ? undefined : { runner: 'plain', at: m.index, passed: Number(m[1]), failed: Number(m[2]) };
};
