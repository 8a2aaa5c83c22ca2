export { createWorkspace, type WorkspaceOptions } from './workspace.js';
export type { CommandResult, RealPathCheck, TestResult, Workspace } from './types.js';
