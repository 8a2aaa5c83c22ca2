export { openCoordinatorService, DEFAULT_LEASE_MS, type CoordinatorServiceOptions } from './service.js';
export { createDenialFeed, DEFAULT_DENIAL_CAP, type Denial, type DenialFeed, type DenialReport } from './denial-feed.js';
export type {
  ApprovalRecord,
  AuditCheckpoint,
  Claim,
  ClaimRequest,
  ClaimResponse,
  CoordEvent,
  CoordinatorService,
  EventType,
  HistoryEntry,
  NewTask,
  SnapshotResponse,
  TaskRecord,
  TaskStatus,
  TransitionRequest,
  TransitionResponse,
} from './types.js';
