/** The phasegate pieces every preset shares: the MCP server's command, its environment, the tool names. */
import { join } from 'node:path';
import { packageRoot } from '../../../core/contract/index.js';
import { MCP_SERVER_NAME, MCP_TOOL_PREFIX } from '../../hook/index.js';
import type { AgentEnvVars } from '../agent-env.js';
import type { PhasegateCommand } from './types.js';

export { MCP_SERVER_NAME, MCP_TOOL_PREFIX };

/** This package's CLI, run by the node that runs us (no PATH lookup an agent could shadow). */
export function phasegateCommand(): PhasegateCommand {
  return { command: process.execPath, args: [join(packageRoot(), 'dist/proxy/cli/main.js')] };
}

/**
 * What `phasegate mcp` needs, and nothing else: the sidecar URL, the agent key, the initial
 * token and the task id (to re-claim its own task if the token is gone). No coordinator,
 * sidecar, admin or JWT key: those never leave the wrapper.
 */
export function mcpEnvironment(vars: AgentEnvVars): Record<string, string> {
  return {
    PHASEGATE_URL: vars.PHASEGATE_URL,
    PHASEGATE_AGENT_KEY: vars.PHASEGATE_AGENT_KEY,
    PHASEGATE_PHASE_TOKEN: vars.PHASEGATE_PHASE_TOKEN,
    PHASEGATE_TASK_ID: vars.PHASEGATE_TASK_ID,
    PHASEGATE_AGENT_ID: vars.PHASEGATE_AGENT_ID,
  };
}

/** A POSIX shell word: Claude Code runs hook commands through a shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
