/** Everything a method handler needs, built once by startSidecar. */
import type { CompiledContract } from '../../core/contract/types.js';
import type { Logger } from '../../core/log.js';
import type { ClaimsCache } from '../../core/tokens/index.js';
import type { TokenVerifier } from '../../core/tokens/types.js';
import type { AuditLog } from '../audit/types.js';
import type { Workspace } from '../tools/types.js';
import type { BodyBudget } from './body-budget.js';
import type { CommandSlots } from './command-slots.js';
import type { CoordinatorClient } from './coordinator-client.js';
import type { PhaseFence } from './fence.js';
import type { Session } from './session.js';
import type { SidecarNotification } from './types.js';

export interface SidecarContext {
  readonly agentId: string;
  /** Granted by the operator (SidecarOptions.capabilities); never taken from the agent. */
  readonly capabilities: readonly string[];
  readonly contract: CompiledContract;
  readonly session: Session;
  readonly coordinator: CoordinatorClient;
  readonly audit: AuditLog;
  readonly workspace: Workspace;
  readonly verifier: TokenVerifier;
  readonly cache: ClaimsCache;
  readonly logger: Logger;
  /** Sidecar-wide command concurrency (SPEC §11 Limits). */
  readonly commands: CommandSlots;
  /** Sidecar-wide request-body memory (SPEC §11 Limits). */
  readonly bodies: BodyBudget;
  /** Tool calls vs transitions (SPEC §11 Phase fence). */
  readonly fence: PhaseFence;
  /** ms since epoch. */
  readonly now: () => number;
  /** Sends a notification to every connected agent (and to `onNotification` listeners). */
  notify(n: SidecarNotification): void;
  /** A fresh audit `call_id`. */
  nextCallId(): string;
  /** Sends the audit chain head to the coordinator; never throws (a failed checkpoint is logged and retried later). */
  checkpoint(): Promise<void>;
}
