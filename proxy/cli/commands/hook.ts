/**
 * `phasegate hook claude`: Claude Code's PreToolUse hook. Always exits 0 with a JSON decision
 * on stdout: exit code 1 would NOT block the tool, so every failure here is a deny.
 */
import { decideClaudeHook } from '../../hook/index.js';
import { parseFlags, UsageError } from '../args.js';

const USAGE = `usage: phasegate hook claude

Claude Code's PreToolUse hook: reads the hook JSON on stdin and prints a decision on stdout.
Native workspace tools (Read, Write, Edit, MultiEdit, NotebookEdit, Bash, Glob, Grep) are
denied with the mcp__phasegate__* tool to use instead; mcp__phasegate__* tools are allowed;
anything else, or input that cannot be read, is denied.`;

/** Hook inputs are small; a flood is refused instead of being buffered without bound. */
const MAX_INPUT_BYTES = 4 * 1024 * 1024;
const READ_TIMEOUT_MS = 10_000;

export async function run(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, {}, USAGE);
  if (positionals.length !== 1 || positionals[0] !== 'claude') throw new UsageError('expected: phasegate hook claude');
  const input = await readStdin().catch(() => '');
  process.stdout.write(JSON.stringify(decideClaudeHook(input)) + '\n');
  return 0;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(new Error('stdin timeout')), READ_TIMEOUT_MS);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      process.stdin.removeAllListeners('data');
      process.stdin.pause();
      if (err === undefined) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(err);
    };
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) return finish(new Error('stdin too large'));
      chunks.push(chunk);
    });
    process.stdin.once('end', () => finish());
    process.stdin.once('error', (err) => finish(err));
  });
}
