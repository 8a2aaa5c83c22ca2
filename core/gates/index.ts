export type { Blocker, Evidence, GateContext, SpawnedReview, TestRunEvidence } from './types.js';
export { runChecks } from './checks.js';
export { validateArtifacts } from './artifacts.js';
