/**
 * Shapes of `agent_workflow.yaml`: the raw document (as validated by
 * schemas/workflow.schema.json) and the compiled form every other part consumes.
 */
import type { ValidateFunction } from 'ajv';

export type EnforcementMode = 'strict' | 'permissive';

/** The built-in gate checks of SPEC §8. */
export type CheckName =
  | 'has_acceptance_criteria'
  | 'tests_failing'
  | 'tests_passing'
  | 'no_blocking_issues'
  | 'reviews_complete'
  | 'tests_unchanged';

export type ToolName =
  | 'read_file'
  | 'write_file'
  | 'edit_file'
  | 'list_files'
  | 'search'
  | 'delete_file'
  | 'run_command'
  | 'run_tests';

/** Constraint on one tool in one phase, as written in YAML. */
export interface ToolConstraintDoc {
  /** Allow-list of globs (micromatch, dot: true); may use `{{ task.id }}`, `{{ agent.id }}`, `@test_globs` and `@test_config`. */
  paths?: string[];
  /** Deny globs, checked before `paths`. Same syntax. */
  deny?: string[];
  /** Command patterns (run_command only): space-separated tokens, `*` one arg, final `**` the rest. */
  commands?: string[];
}

export interface PhaseDoc {
  description?: string;
  tools: { allowed: string[]; forbidden?: string[] };
  constraints?: Record<string, ToolConstraintDoc>;
  /** How run_command / run_tests are confined (SPEC §11); network is loopback-only unless true. */
  sandbox?: { network?: boolean };
}

/** A trigger fired when a transition applies. */
export type TriggerDoc =
  | 'lock_tests'
  | { spawn_task: { workflow: string; title: string; capabilities?: string[]; count?: number } };

export interface TransitionDoc {
  from: string;
  to: string;
  description?: string;
  gate?: string;
  requires_artifacts?: string[];
  approval?: boolean;
  triggers?: TriggerDoc[];
}

export interface WorkflowDoc {
  description?: string;
  /** First phase of a new task; defaults to the first key of `phases`. */
  initial_phase?: string;
  phases: Record<string, PhaseDoc>;
  test_globs?: string[];
  /** Files that configure the test run (runner and compiler configs, fixtures): locked together with the tests. */
  test_config?: string[];
  /** Review rounds (spawning transitions) before going back is refused with `review_rounds_exhausted` (default 3). */
  max_review_rounds?: number;
  tests?: { command: string; timeout_ms?: number };
  transitions: TransitionDoc[];
  gates?: Record<string, CheckName[]>;
  /** Artifact name → schema file name under schemas/artifacts/. */
  artifacts?: Record<string, string>;
}

export interface ContractDoc {
  version: 1;
  enforcement?: { mode?: EnforcementMode };
  protected?: string[];
  workflows: Record<string, WorkflowDoc>;
}

/** A compiled command pattern (see core/policy/command-pattern.ts). */
export interface CommandPattern {
  readonly source: string;
  /** Literal tokens or `*`; `rest` is true when the pattern ends in `**`. */
  readonly tokens: readonly string[];
  readonly rest: boolean;
}

export interface CompiledConstraint {
  /** Globs as written (templates unexpanded, `@test_globs`/`@test_config` expanded). Bound per task by core/policy. */
  readonly paths: readonly string[] | undefined;
  readonly deny: readonly string[];
  readonly commands: readonly CommandPattern[] | undefined;
}

export interface CompiledPhase {
  readonly name: string;
  readonly description: string;
  readonly allowed: ReadonlySet<string>;
  readonly forbidden: ReadonlySet<string>;
  readonly constraints: ReadonlyMap<string, CompiledConstraint>;
  /** Commands of this phase may reach the host network (default false: loopback only). */
  readonly sandboxNetwork?: boolean;
}

export interface CompiledTransition {
  readonly from: string;
  readonly to: string;
  readonly description: string;
  readonly gate: string | undefined;
  readonly checks: readonly CheckName[];
  readonly requiresArtifacts: readonly string[];
  readonly approval: boolean;
  readonly lockTests: boolean;
  readonly spawn: readonly { workflow: string; title: string; capabilities: string[]; count: number }[];
}

export interface CompiledArtifact {
  readonly name: string;
  readonly schemaFile: string;
  readonly schema: object;
  readonly validate: ValidateFunction;
}

export interface CompiledWorkflow {
  readonly name: string;
  readonly description: string;
  readonly initialPhase: string;
  /** Phases with no outgoing transition (COMPLETE in the default contract). */
  readonly terminalPhases: ReadonlySet<string>;
  readonly phases: ReadonlyMap<string, CompiledPhase>;
  readonly transitions: readonly CompiledTransition[];
  /** `${from}->${to}` → transition. */
  readonly transitionIndex: ReadonlyMap<string, CompiledTransition>;
  readonly artifacts: ReadonlyMap<string, CompiledArtifact>;
  readonly testGlobs: readonly string[];
  readonly testConfig: readonly string[];
  /** test_globs ∪ test_config: every file these match, at any depth, is hashed by the test lock. */
  readonly lockGlobs: readonly string[];
  readonly maxReviewRounds: number;
  /** argv of the test command (split once at load); timeout in ms. */
  readonly tests: { readonly command: string; readonly argv: readonly string[]; readonly timeoutMs: number } | undefined;
}

export interface CompiledContract {
  /** sha256 hex of the canonical JSON of the document (sorted keys); the `contract` token claim. */
  readonly sha256: string;
  readonly file: string;
  readonly doc: ContractDoc;
  readonly enforcement: EnforcementMode;
  /** Globs no phase may write or delete: the contract's `protected` plus the always-protected ones. */
  readonly protectedGlobs: readonly string[];
  readonly workflows: ReadonlyMap<string, CompiledWorkflow>;
}

/** One contract error, reported as `FILE:LINE: message`. */
export interface ContractIssue {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}
