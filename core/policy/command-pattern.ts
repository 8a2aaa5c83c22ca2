/**
 * Contract command patterns (SPEC §5): space-separated tokens matched against argv; a
 * literal token matches itself, `*` any one argument, a final `**` any rest (incl. none).
 */
import type { CommandPattern } from '../contract/types.js';

/** Compiles a pattern string; throws an Error naming the problem (the contract loader reports it with its line). */
export function parseCommandPattern(source: string): CommandPattern {
  const words = source.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new Error('command pattern is empty');
  const rest = words[words.length - 1] === '**';
  if (rest) words.pop();
  if (words.includes('**')) throw new Error(`"**" may only be the last token of a command pattern: ${source}`);
  return Object.freeze({ source, tokens: Object.freeze(words), rest });
}

/** True when argv matches the pattern. Allocation-free. */
export function matchCommand(pattern: CommandPattern, argv: readonly string[]): boolean {
  const tokens = pattern.tokens;
  const n = tokens.length;
  if (pattern.rest ? argv.length < n : argv.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    if (t !== '*' && t !== argv[i]) return false;
  }
  return true;
}
