/** Agent hooks: Claude Code's PreToolUse (`phasegate hook claude`). */
export { decideClaudeHook, MCP_SERVER_NAME, MCP_TOOL_PREFIX, NATIVE_TOOLS, type HookOutput } from './claude-hook.js';
