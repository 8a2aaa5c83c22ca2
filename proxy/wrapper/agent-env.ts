/** The §6 environment an agent gets: the caller's environment with every phasegate key removed. */

/** Values the wrapper hands to the agent (SPEC §6). */
export interface AgentEnvVars {
  readonly PHASEGATE_URL: string;
  readonly PHASEGATE_HTTP_URL: string;
  readonly PHASEGATE_AGENT_KEY: string;
  readonly PHASEGATE_AGENT_ID: string;
  readonly PHASEGATE_TASK_ID: string;
  readonly PHASEGATE_PHASE_TOKEN: string;
  readonly PHASEGATE_PROMPT_FILE: string;
}

/**
 * Drops every PHASEGATE_* / ORCHESTRATOR_* variable first (admin, sidecar and JWT keys of
 * the operator's shell must never reach the agent: with the admin key it could approve its
 * own work), then adds only the agent's own values.
 */
export function agentEnvironment(base: NodeJS.ProcessEnv, vars: AgentEnvVars): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!/^(PHASEGATE|ORCHESTRATOR)_/i.test(key)) env[key] = value;
  }
  return { ...env, ...vars };
}
