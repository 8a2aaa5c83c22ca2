/**
 * Strict POSIX shell-word splitting for `run_command {command}` (SPEC §5). We only need to
 * *detect* shell operators and refuse, never interpret them; `shell-quote` parses and
 * expands `$VAR`s and has a history of quoting CVEs, so a small refusing tokenizer it is.
 *
 * Stricter than SPEC on purpose: `$` and backtick are refused inside double quotes too,
 * because a real shell expands them there (`"$(rm -rf .)"`), and an agent that copies the
 * command into a shell later must not get a different program than the one we checked.
 * Glob, tilde and brace characters are kept literally: commands are spawned without a shell.
 */

export type SplitResult =
  | { readonly ok: true; readonly argv: string[] }
  | { readonly ok: false; readonly operator: string };

/** Unquoted characters that make a shell do something other than run one program. */
const OPERATORS = new Set([';', '&', '|', '<', '>', '`', '$', '(', ')', '\n']);
/** Inside double quotes, a backslash escapes only these (POSIX 2.2.3). */
const DQ_ESCAPABLE = new Set(['"', '$', '`', '\\', '\n']);

/** Splits `command` into argv, or names the first unquoted operator it contains. */
export function splitCommand(command: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false; // distinguishes `''` (one empty argument) from nothing
  const n = command.length;
  for (let i = 0; i < n; i++) {
    const c = command[i] as string;
    if (c === ' ' || c === '\t') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return { ok: false, operator: 'unterminated_quote' };
      word += command.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      for (i++; ; i++) {
        if (i >= n) return { ok: false, operator: 'unterminated_quote' };
        const d = command[i] as string;
        if (d === '"') break;
        // Refused even quoted: the shell would expand it (see the header comment).
        if (d === '$' || d === '`') return { ok: false, operator: d };
        if (d === '\\' && i + 1 < n && DQ_ESCAPABLE.has(command[i + 1] as string)) {
          i++;
          if (command[i] !== '\n') word += command[i]; // backslash-newline is a line continuation
        } else {
          word += d;
        }
      }
    } else if (c === '\\') {
      // A trailing backslash escapes nothing; a shell would wait for more input.
      if (i + 1 >= n) return { ok: false, operator: '\\' };
      i++;
      if (command[i] !== '\n') {
        word += command[i];
        inWord = true;
      }
    } else if (OPERATORS.has(c)) {
      return { ok: false, operator: c };
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(word);
  return { ok: true, argv };
}
