/** Real coding agents behind phasegate: what `phasegate run --agent NAME` adds to CMD (SPEC §12). */
import { claudePreset } from './claude.js';
import { codexPreset } from './codex.js';
import type { AgentName, AgentPreset } from './types.js';

export { AGENT_NAMES, type AgentName, type AgentPreset, type PresetInput, type PresetLaunch } from './types.js';
export { mcpEnvironment, phasegateCommand, MCP_TOOL_PREFIX } from './mcp-env.js';
export { claudeHookCommand, nativeToolsFor } from './claude.js';

const PRESETS: Readonly<Record<AgentName, AgentPreset>> = { claude: claudePreset, codex: codexPreset };

export function agentPreset(name: AgentName): AgentPreset {
  return PRESETS[name];
}
