/**
 * Claude Code's PreToolUse hook (SPEC §12): a native workspace tool is denied with a reason
 * naming the phasegate MCP tool to use instead; phasegate's own MCP tools are allowed.
 * Fails closed: input that is not a PreToolUse call we recognise is denied too. Pure: the
 * CLI reads stdin and prints what this returns.
 */

/** The server name `phasegate run --agent claude` registers; Claude Code prefixes its tools with `mcp__phasegate__`. */
export const MCP_SERVER_NAME = 'phasegate';
export const MCP_TOOL_PREFIX = `mcp__${MCP_SERVER_NAME}__`;

/** Claude Code's own workspace tools (across versions) → the phasegate tool that replaces each. */
export const NATIVE_TOOLS: Readonly<Record<string, string>> = {
  Read: 'read_file',
  Write: 'write_file',
  Edit: 'edit_file',
  MultiEdit: 'edit_file',
  NotebookEdit: 'edit_file',
  Bash: 'run_command',
  Glob: 'list_files',
  Grep: 'search',
  LS: 'list_files',
};

export interface HookOutput {
  readonly hookSpecificOutput: {
    readonly hookEventName: 'PreToolUse';
    readonly permissionDecision: 'allow' | 'deny';
    readonly permissionDecisionReason: string;
  };
}

function decision(permissionDecision: 'allow' | 'deny', reason: string): HookOutput {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision, permissionDecisionReason: reason } };
}

const WORKFLOW_HINT = `Call ${MCP_TOOL_PREFIX}workflow_describe for what this phase allows.`;

/** Decides one hook call from its raw stdin text. */
export function decideClaudeHook(stdin: string): HookOutput {
  let input: unknown;
  try {
    input = JSON.parse(stdin);
  } catch {
    return decision('deny', `phasegate: the hook input is not JSON, so the call is refused. ${WORKFLOW_HINT}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return decision('deny', 'phasegate: the hook input is not a JSON object, so the call is refused.');
  const { hook_event_name: event, tool_name: tool } = input as { hook_event_name?: unknown; tool_name?: unknown };
  if (event !== 'PreToolUse' || typeof tool !== 'string' || tool === '') {
    return decision('deny', 'phasegate: not a PreToolUse call with a tool_name, so it is refused.');
  }
  // The prefix alone is not enough: `mcp__phasegate__` followed by nothing names no tool.
  if (tool.startsWith(MCP_TOOL_PREFIX) && tool.length > MCP_TOOL_PREFIX.length) return decision('allow', 'phasegate tool: decided and audited by the sidecar.');
  const replacement = Object.hasOwn(NATIVE_TOOLS, tool) ? NATIVE_TOOLS[tool] : undefined;
  if (replacement !== undefined) {
    return decision(
      'deny',
      `phasegate: ${tool} is disabled in this workspace; every file and shell operation goes through phasegate, which enforces the task's workflow. Use ${MCP_TOOL_PREFIX}${replacement} instead. ${WORKFLOW_HINT}`,
    );
  }
  return decision('deny', `phasegate: ${tool} is not a tool this hook knows, so it is refused. Use the ${MCP_TOOL_PREFIX}* tools. ${WORKFLOW_HINT}`);
}
