import { parseArgs } from 'node:util';

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

/** Flag definitions as node:util parseArgs takes them (the subset phasegate uses). */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** Parsed values, typed from the spec: strings, booleans, or arrays of them for `multiple`. */
export type FlagValues<O extends FlagSpec> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? O[K]['multiple'] extends true ? boolean[] : boolean
    : O[K]['multiple'] extends true ? string[] : string;
};

/**
 * Parses flags with node:util parseArgs (strict). `--help` anywhere raises HelpRequested;
 * any unknown flag or missing value raises UsageError.
 */
export function parseFlags<O extends FlagSpec>(
  argv: string[],
  options: O,
  usage: string,
  allowPositionals = true,
): { values: FlagValues<O>; positionals: string[] } {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals });
    return { values: parsed.values as FlagValues<O>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError(((err as Error).message.split('\n')[0] ?? 'bad arguments').replace(/\. To specify a positional.*$/, ''));
  }
}

/** Parses a TCP port flag (0 allowed: pick a free port). */
export function portFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${value}`);
  return port;
}
