/** What an agent preset is given and what it adds to the agent's command line. */

export type AgentName = 'claude' | 'codex';
export const AGENT_NAMES: readonly AgentName[] = ['claude', 'codex'];

/** How to start this package's `phasegate` CLI: the running node and the compiled entry point. */
export interface PhasegateCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface PresetInput {
  /** A private (0700) folder outside the workspace for the files the preset writes. */
  readonly dir: string;
  /** The environment `phasegate mcp` needs (SPEC §6 values only). */
  readonly mcpEnv: Readonly<Record<string, string>>;
  /** The appended system prompt: the task and workflow in terms of the agent's tool names. Never a token or key. */
  readonly prompt: string;
  readonly phasegate: PhasegateCommand;
  /** The agent's command (CMD), e.g. to ask its version. */
  readonly command: readonly string[];
  /** The agent's environment (SPEC §6, operator keys removed): the only one CMD ever runs with. */
  readonly env: NodeJS.ProcessEnv;
}

export interface PresetLaunch {
  /** Arguments inserted right after CMD's executable, before the user's own arguments. */
  readonly args: readonly string[];
  /** Files written (all inside `dir`). */
  readonly files: readonly string[];
}

export interface AgentPreset {
  readonly name: AgentName;
  /** The executable CMD defaults to. */
  readonly defaultCommand: string;
  prepare(input: PresetInput): Promise<PresetLaunch>;
}
