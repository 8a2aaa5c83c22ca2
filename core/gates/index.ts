export type { Blocker, Evidence, GateContext, SpawnedReview, TestRunEvidence } from './types.js';
export { runChecks } from './checks.js';
export { validateArtifacts } from './artifacts.js';
export { latestRun } from './test-run-checks.js';
export { symlinkBlockers } from './test-lock-check.js';
