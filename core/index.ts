/**
 * phasegate core: the contract, the policy decision path, phase tokens, gates and the
 * coordinator. Any export added here becomes public API (`phasegate/core`).
 */
export { PhasegateError, type ReasonCode, type WireReason, type HttpReason } from './errors.js';
export { loadContract, parseContract, explainContract, ContractError, canonicalJson } from './contract/index.js';
export type { CompiledContract, ContractDoc, ContractIssue, EnforcementMode } from './contract/index.js';
export { bindPolicy, normalizeWorkspacePath, splitCommand } from './policy/index.js';
export type { Assignment, BoundPolicy, Decision, ToolCall } from './policy/index.js';
export { createIssuer, createVerifier, createCachingVerifier, resolveTokenMode, loadOrCreateSigningKey, ClaimsCache } from './tokens/index.js';
export type { PhaseClaims, TokenIssuer, TokenVerifier } from './tokens/index.js';
export { runChecks, validateArtifacts } from './gates/index.js';
export type { Blocker, Evidence } from './gates/index.js';
export { openCoordinatorService } from './coordinator/index.js';
export type { CoordinatorService, TaskRecord, CoordEvent } from './coordinator/index.js';
export { startCoordinator, type RunningCoordinator } from './coordinator/http/index.js';
