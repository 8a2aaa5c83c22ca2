export { runAgent, type RunAgentOptions } from './run-agent.js';
export { renderPrompt, type PromptInput } from './prompt.js';
export { agentEnvironment, type AgentEnvVars } from './agent-env.js';
export { createProgressLogger } from './progress-log.js';
