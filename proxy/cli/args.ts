import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: main prints the one-line reason and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Printed by main when a command is called with --help; exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help');
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses flags with node:util parseArgs (strict). `--help` anywhere raises HelpRequested;
 * any unknown flag or missing value raises UsageError.
 */
export function parseFlags<O extends Options>(argv: string[], options: O, usage: string, allowPositionals = true) {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

/** Parses a TCP port flag (0 allowed: pick a free port). */
export function portFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${value}`);
  return port;
}
