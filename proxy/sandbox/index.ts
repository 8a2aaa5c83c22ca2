export { createCommandSandbox, type CommandSandbox, type CommandSandboxOptions, type SandboxRequest, type SandboxRun } from './command-sandbox.js';
export type { ChangeKind, UpperChange } from './upper-scan.js';
export type { HostLayout, MountStep, SandboxPlan } from './types.js';
export { sandboxModeFrom, type SandboxMode } from './mode.js';
export { prepareAgentSandbox, type AgentSandbox, type AgentSandboxOptions } from './agent-sandbox.js';
