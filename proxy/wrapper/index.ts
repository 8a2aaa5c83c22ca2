export { runAgent, type RunAgentOptions } from './run-agent.js';
export { renderPrompt, type PromptInput } from './prompt.js';
export { agentEnvironment, type AgentEnvVars } from './agent-env.js';
export { createProgressLogger } from './progress-log.js';
export {
  openStateDir,
  resolveWorkspace,
  stateDirFor,
  statePaths,
  statePathsFor,
  workspaceId,
  StateDirError,
  type StatePaths,
  type StateDirReason,
} from './state-dir.js';
