/** The phasegate agent SDK. Any export added here becomes public API. */
export { AgentClient, type AgentClientOptions } from './client.js';
export {
  ApprovalRejectedError,
  AuditUnavailableError,
  ConnectionError,
  CoordinatorError,
  LeaseLostError,
  PhasegateSdkError,
  PolicyDeniedError,
  ProtocolError,
  TokenError,
  ToolFailedError,
} from './errors.js';
export type {
  Blocker,
  ClaimResult,
  CommandResult,
  DescribeResult,
  Notification,
  SnapshotResult,
  StatusResult,
  TaskSummary,
  TestResult,
  TransitionResult,
} from './wire.js';
