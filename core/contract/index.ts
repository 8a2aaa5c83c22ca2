export { parseContract, loadContract, type ContractOptions } from './load.js';
export { ContractError, formatIssue } from './contract-error.js';
export { explainContract, type ExplainOptions } from './explain.js';
export { canonicalJson, canonicalSha256, sha256Hex } from './canonical-json.js';
export { CHECK_DESCRIPTIONS } from './check-descriptions.js';
export { DEFAULT_TEST_TIMEOUT_MS } from './compile.js';
export { TEST_CONFIG_PLACEHOLDER, TEST_GLOBS_PLACEHOLDER } from './pattern-checks.js';
export { packageRoot, defaultSchemasDir } from './package-root.js';
export type {
  CheckName,
  CommandPattern,
  CompiledArtifact,
  CompiledConstraint,
  CompiledContract,
  CompiledPhase,
  CompiledTransition,
  CompiledWorkflow,
  ContractDoc,
  ContractIssue,
  EnforcementMode,
  PhaseDoc,
  ToolConstraintDoc,
  ToolName,
  TransitionDoc,
  TriggerDoc,
  WorkflowDoc,
} from './types.js';
