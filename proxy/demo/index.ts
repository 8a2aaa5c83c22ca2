/** proxy/demo: `phasegate demo`, the whole system on one task in a temp directory. */
export { runDemo, type DemoOptions, type DemoSummary } from './demo-run.js';
export { formatSummary } from './format-summary.js';
export type { AuditSummary } from './audit-summary.js';
export type { GatePassed, TaskSummary } from './task-summary.js';
