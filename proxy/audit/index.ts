export type { AuditEntry, AuditLog, AuditRecord } from './types.js';
export { GENESIS, hashRecord } from './chain.js';
export { redactArgs, REDACTED, type Digest } from './redact.js';
export { openAuditLog, type AuditLogOptions } from './writer.js';
export { verifyAudit, type Checkpoint, type Location, type VerifyResult } from './verify.js';
export type { VerifyProblem } from './record-check.js';
export { queryAudit, type AuditFilter } from './query.js';
export { auditChains } from './chains.js';
