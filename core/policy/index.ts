/** core/policy public API: every export here is used by the sidecar or the contract loader. */
export { bindPolicy } from './bind.js';
export type { BindOptions } from './bind.js';
export { matchCommand, parseCommandPattern } from './command-pattern.js';
export { isInsideRoot, normalizeWorkspacePath } from './path-normalize.js';
export type { NormalizedPath } from './path-normalize.js';
export { splitCommand } from './shell-words.js';
export type { SplitResult } from './shell-words.js';
export type { Assignment, BoundPolicy, Decision, DecisionKind, ToolCall } from './types.js';
