/**
 * phasegate proxy: the sidecar, the `phasegate run` wrapper, the audit log and the confined
 * workspace. Any export added here becomes public API (`phasegate/proxy`).
 */
export { startSidecar, type Sidecar, type SidecarOptions } from './sidecar/index.js';
export { runAgent, type RunAgentOptions } from './wrapper/index.js';
export { openAuditLog, verifyAudit, queryAudit, type AuditRecord, type AuditLog } from './audit/index.js';
export { createWorkspace, type Workspace } from './tools/index.js';
