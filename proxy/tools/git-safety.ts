/**
 * git reads `.git/config` of the repository it runs in, and several settings there name
 * programs git runs: `core.fsmonitor` on every `git status`, hooks, external diff and
 * textconv drivers, clean/smudge filters, the pager, the editor, ssh. Attack stopped: a
 * workspace (or a nested `tests/x/.git/`) whose config turns an allowed `git status` into
 * code execution. A command whose argv[0] is git gets `-c` overrides for every such
 * setting (the command line wins over every config file) and runs without system or
 * global config. The sandbox confines git anyway; this keeps an allowed read from running
 * code at all.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { PhasegateError } from '../../core/errors.js';

/** Settings with one fixed name that make git run a program; each replaced by an inert value. */
const FIXED_OVERRIDES: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.editor=true',
  'sequence.editor=true',
  'core.askPass=',
  'core.sshCommand=ssh',
  'core.gitProxy=',
  'credential.helper=',
  'gpg.program=gpg',
  'gpg.ssh.program=ssh-keygen',
  'interactive.diffFilter=',
  'protocol.ext.allow=never',
  'submodule.recurse=false',
  'uploadpack.packObjectsHook=',
];

/** Per-driver settings (`[diff "x"] textconv = …`) whose names come from the repository's config. */
const DRIVER_KEYS: Readonly<Record<string, readonly string[]>> = {
  filter: ['clean', 'smudge', 'process'],
  diff: ['textconv', 'command'],
  merge: ['driver'],
};
/** The inert value per driver key: git skips an empty filter; an empty textconv fails, `cat` is the identity. */
const INERT: Readonly<Record<string, string>> = { textconv: 'cat' };

/** Porcelain that runs `diff.external`; they get `--no-ext-diff` (an empty `-c diff.external=` makes git fail instead). */
const DIFF_COMMANDS = new Set(['diff', 'log', 'show', 'whatchanged', 'format-patch']);
/** git's global options that take a separate value (`-C dir`, `-c k=v`…). */
const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix']);

/** `[section]`, `[section "sub"]` or `[section.sub]`, then maybe a key on the same line. */
const HEADER = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/;
const KEY = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*?))?\s*$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface GitCommand {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * `argv`/`env` as they should be spawned: unchanged unless argv[0] is git. `cwd` is the real
 * working directory, `root` the real workspace root (the repository search stops there).
 */
export function withGitSafety(argv: readonly string[], env: Readonly<Record<string, string>>, cwd: string, root: string): GitCommand {
  const [file, ...rest] = argv;
  if (file === undefined || basename(file) !== 'git') return { argv, env };
  refuseConfigOptions(rest);
  const overrides = [...FIXED_OVERRIDES, ...driverOverrides(gitWorkDir(rest, cwd), root)];
  const args = insertDiffFlags(rest);
  return {
    argv: [file, ...overrides.flatMap((o) => ['-c', o]), ...args],
    env: {
      ...env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_PAGER: 'cat',
      GIT_EDITOR: 'true',
    },
  };
}

/**
 * The agent's own `-c k=v`, `--config-env` or `--exec-path` would come after ours and win
 * (`-c core.fsmonitor=./x.sh`), or make git run programs from a folder it wrote. Refused,
 * whatever command pattern let the call through.
 */
function refuseConfigOptions(args: readonly string[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) return;
    if (a === '-c' || a.startsWith('-c') || a.startsWith('--config-env') || a.startsWith('--exec-path')) {
      throw new PhasegateError('command_not_permitted', `git option ${a.split('=')[0]} is not allowed: configuration from the command line can make git run programs`);
    }
    if (GLOBAL_WITH_VALUE.has(a)) i++;
  }
}

/** Where git will look for the repository: `cwd`, moved by every `-C dir` among the global options. */
function gitWorkDir(args: readonly string[], cwd: string): string {
  let dir = cwd;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) break;
    if (a === '-C' && args[i + 1] !== undefined) dir = resolve(dir, args[i + 1] as string);
    if (GLOBAL_WITH_VALUE.has(a)) i++;
  }
  return dir;
}

/** `--no-ext-diff` right after a diff-producing subcommand, wherever the global options end. */
function insertDiffFlags(args: readonly string[]): string[] {
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    if (!a.startsWith('-')) break;
    i += GLOBAL_WITH_VALUE.has(a) ? 2 : 1;
  }
  const sub = args[i];
  if (sub === undefined || !DIFF_COMMANDS.has(sub)) return [...args];
  return [...args.slice(0, i + 1), '--no-ext-diff', ...args.slice(i + 1)];
}

/**
 * Every filter/diff/merge driver and every alias the repository's config (and what it
 * includes) defines, neutralized: their names are the repository's to choose, so they cannot
 * be listed in advance. An empty filter is skipped by git, an empty alias or merge driver is an
 * error; `diff.<x>.command` only runs with --ext-diff, which diff commands are run without.
 */
function driverOverrides(cwd: string, root: string): string[] {
  const config = repoConfigFile(cwd, root);
  if (config === undefined) return [];
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string, depth: number) => {
    if (depth > 10 || seen.has(file)) return;
    seen.add(file);
    const text = readSmall(file);
    if (text === undefined) return;
    let section = '';
    let sub: string | undefined;
    for (let line of text.split('\n')) {
      line = line.replace(/\s[#;].*$/, '');
      const h = HEADER.exec(line);
      if (h !== null) {
        const [name = '', dotted] = (h[1] as string).toLowerCase().split(/\.(.*)/s);
        section = name;
        sub = h[2] !== undefined ? h[2].replace(/\\(.)/g, '$1') : dotted;
        line = h[3] ?? '';
      }
      const k = KEY.exec(line);
      if (k === null) continue;
      const key = (k[1] as string).toLowerCase();
      if (section === 'alias' && sub === undefined) out.add(`alias.${key}=`);
      else if (sub !== undefined && !/[\n=]/.test(sub) && DRIVER_KEYS[section]?.includes(key) === true) out.add(`${section}.${sub}.${key}=${INERT[key] ?? ''}`);
      else if (key === 'path' && (section === 'include' || section === 'includeif')) {
        const path = (k[2] ?? '').replace(/^"(.*)"$/, '$1');
        if (path !== '') visit(isAbsolute(path) ? path : resolve(dirname(file), path), depth + 1);
      }
    }
  };
  visit(config, 0);
  return [...out];
}

/** The config file of the repository git would find from `cwd`, searching up to `root` (a `.git` folder, or a `gitdir:` file). */
function repoConfigFile(cwd: string, root: string): string | undefined {
  let dir = cwd;
  for (;;) {
    const dotGit = join(dir, '.git');
    const info = statQuiet(dotGit);
    if (info?.isDirectory() === true) return join(dotGit, 'config');
    if (info?.isFile() === true) {
      const target = /^gitdir:\s*(.+?)\s*$/m.exec(readSmall(dotGit) ?? '')?.[1];
      if (target !== undefined) return join(isAbsolute(target) ? target : resolve(dir, target), 'config');
    }
    if (dir === root || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

function statQuiet(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function readSmall(file: string): string | undefined {
  const info = statQuiet(file);
  if (info === undefined || !info.isFile() || info.size > MAX_CONFIG_BYTES) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
