/**
 * Claude Code under phasegate (SPEC §12): an MCP server `phasegate` (`--mcp-config`),
 * settings that deny Claude's own workspace tools and register `phasegate hook claude` for
 * them (`--settings`), and the workflow as an appended system prompt. Both flags ADD to the
 * operator's own configuration; nothing of it is replaced or weakened.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NATIVE_TOOLS } from '../../hook/index.js';
import { MCP_SERVER_NAME, shellQuote } from './mcp-env.js';
import type { AgentPreset, PresetInput, PresetLaunch } from './types.js';

/** Native tools Claude Code 2.1.x has (notes/claude-code-facts.md); a deny rule naming a missing tool prints a warning. */
const TOOLS_2_1 = ['Bash', 'Edit', 'NotebookEdit', 'Read', 'Write'];
const ALL_NATIVE = ['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash', 'Glob', 'Grep'];

/**
 * The native tools to deny for the installed version: the 2.1.x set when `CMD --version`
 * says 2.1 or later, else every tool any version had (a warning beats an open door).
 */
export function nativeToolsFor(version: string | undefined): string[] {
  const m = version === undefined ? null : /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (m === null) return ALL_NATIVE;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 2 || (major === 2 && minor >= 1) ? TOOLS_2_1 : ALL_NATIVE;
}

function installedVersion(command: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const [file] = command;
  if (file === undefined) return undefined;
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', env, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout : undefined;
}

/**
 * The hook as Claude Code runs it (through a shell). Exit 1 would let the tool run, so if the
 * hook cannot even start (node or phasegate missing) the shell exits 2, which blocks.
 */
export function claudeHookCommand(command: string, args: readonly string[]): string {
  const hook = [command, ...args, 'hook', 'claude'].map(shellQuote).join(' ');
  return `${hook} || { echo 'phasegate: the PreToolUse hook could not run, so the call is refused' >&2; exit 2; }`;
}

export function claudeSettings(deny: readonly string[], hookCommand: string): object {
  return {
    permissions: {
      // In -p mode MCP tools are refused unless allowed; this allows every tool of our server.
      allow: [`mcp__${MCP_SERVER_NAME}`],
      deny: [...deny],
    },
    hooks: {
      PreToolUse: [
        {
          // Every native workspace tool of any version (LS too): defence in depth behind the deny rules.
          matcher: Object.keys(NATIVE_TOOLS).join('|'),
          hooks: [{ type: 'command', command: hookCommand }],
        },
      ],
    },
  };
}

export const claudePreset: AgentPreset = {
  name: 'claude',
  defaultCommand: 'claude',
  async prepare(input: PresetInput): Promise<PresetLaunch> {
    const mcpConfig = join(input.dir, 'claude-mcp.json');
    const settings = join(input.dir, 'claude-settings.json');
    const server = { type: 'stdio', command: input.phasegate.command, args: [...input.phasegate.args, 'mcp'], env: { ...input.mcpEnv } };
    await writeFile(mcpConfig, JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: server } }, null, 2) + '\n', { mode: 0o600 });
    const hookCommand = claudeHookCommand(input.phasegate.command, input.phasegate.args);
    const deny = nativeToolsFor(installedVersion(input.command, input.env));
    await writeFile(settings, JSON.stringify(claudeSettings(deny, hookCommand), null, 2) + '\n', { mode: 0o600 });
    return { args: ['--mcp-config', mcpConfig, '--settings', settings, '--append-system-prompt', input.prompt], files: [mcpConfig, settings] };
  },
};
