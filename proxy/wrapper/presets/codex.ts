/**
 * Codex CLI under phasegate (SPEC §12), through its `-c key=value` config overrides (Codex
 * has no config-file flag): the MCP server `phasegate`, Codex's own sandbox read-only (its
 * shell cannot change the workspace), no approval prompts, and the workflow as developer
 * instructions. Overrides apply to this run only; the operator's config.toml is untouched.
 */
import { MCP_SERVER_NAME } from './mcp-env.js';
import { tomlArray, tomlInlineTable, tomlString } from './toml.js';
import type { AgentPreset, PresetInput, PresetLaunch } from './types.js';

export function codexOverrides(input: PresetInput): string[] {
  const server = `mcp_servers.${MCP_SERVER_NAME}`;
  const pairs: [string, string][] = [
    [`${server}.command`, tomlString(input.phasegate.command)],
    [`${server}.args`, tomlArray([...input.phasegate.args, 'mcp'])],
    [`${server}.env`, tomlInlineTable(input.mcpEnv)],
    ['sandbox_mode', tomlString('read-only')],
    ['approval_policy', tomlString('never')],
    ['developer_instructions', tomlString(input.prompt)],
  ];
  return pairs.flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

export const codexPreset: AgentPreset = {
  name: 'codex',
  defaultCommand: 'codex',
  async prepare(input: PresetInput): Promise<PresetLaunch> {
    return { args: codexOverrides(input), files: [] };
  },
};
