/** `phasegate mcp`: the MCP server bridging an MCP client to its sidecar (SPEC §12). */
export { createMcpBridge, type McpBridgeOptions } from './bridge.js';
export { renderRefusal, type Refusal } from './refusal-text.js';
export { BUILT_IN_TOOLS, toolsForPhase } from './tool-catalog.js';
