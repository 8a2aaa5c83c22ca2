/**
 * Argument shapes of the built-in tools (SPEC §5 table). Checked before any path or
 * command rule so later steps can read fields without re-checking types. Unknown extra
 * keys are ignored: the executor reads only the fields named here.
 */
import type { ToolName } from '../contract/types.js';

type Args = Readonly<Record<string, unknown>>;

export interface ToolSpec {
  readonly name: ToolName;
  /** Writes or deletes: subject to the contract's protected globs. */
  readonly writes: boolean;
  /** The args key holding the workspace path, if any (`cwd` for run_command). */
  readonly pathKey: 'path' | 'cwd' | undefined;
  /** Whether the path is matched against the phase's path globs (not run_command's cwd). */
  readonly globbed: boolean;
  readonly valid: (args: Args) => boolean;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** A positive whole number of milliseconds, below what setTimeout can hold. */
function validTimeout(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 2_147_483_647);
}

/** Exactly one of argv (non-empty strings, no NUL) and command; NUL cannot reach execve. */
function validRunCommand(a: Args): boolean {
  const { argv, command } = a;
  if (!optStr(a.cwd) || !validTimeout(a.timeout_ms)) return false;
  if (command !== undefined) return argv === undefined && isStr(command) && !command.includes('\0');
  if (!Array.isArray(argv) || argv.length === 0) return false;
  for (const w of argv) if (!isStr(w) || w.includes('\0')) return false;
  return true;
}

const specs: readonly ToolSpec[] = [
  { name: 'read_file', writes: false, pathKey: 'path', globbed: true, valid: (a) => isStr(a.path) },
  { name: 'write_file', writes: true, pathKey: 'path', globbed: true, valid: (a) => isStr(a.path) && isStr(a.content) },
  { name: 'edit_file', writes: true, pathKey: 'path', globbed: true, valid: (a) => isStr(a.path) && isStr(a.old) && isStr(a.new) },
  { name: 'list_files', writes: false, pathKey: 'path', globbed: true, valid: (a) => optStr(a.path) && optStr(a.pattern) },
  { name: 'search', writes: false, pathKey: 'path', globbed: true, valid: (a) => isStr(a.query) && optStr(a.path) && optStr(a.pattern) },
  { name: 'delete_file', writes: true, pathKey: 'path', globbed: true, valid: (a) => isStr(a.path) },
  { name: 'run_command', writes: false, pathKey: 'cwd', globbed: false, valid: validRunCommand },
  { name: 'run_tests', writes: false, pathKey: undefined, globbed: false, valid: () => true },
];

/** Built-in tools by name. A Map, so `__proto__` or `constructor` are just unknown tools. */
export const TOOL_SPECS: ReadonlyMap<string, ToolSpec> = new Map(specs.map((s) => [s.name, s]));

/** args must be a plain JSON object (not null, not an array). */
export function isArgsObject(v: unknown): v is Args {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
