/** Public shapes of the sidecar. */
import type { TaskRecord } from '../../core/coordinator/types.js';
import type { Logger } from '../../core/log.js';
import type { SidecarLimits } from './limits.js';

export interface SidecarOptions {
  coordinatorUrl: string;
  agentId: string;
  /** The workspace root the agent works in. */
  workspace: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback: the agent key is the sole credential, so the socket is not offered to the network. */
  host?: '127.0.0.1';
  /** Default `audit/` in the workspace's state dir (SPEC §3), outside the workspace. */
  auditDir?: string;
  /**
   * The contract file as the operator gave it (the wrapper's --contract). Protected under its
   * real path if it lies in the workspace, like the path the coordinator reports it loaded.
   */
  contractFile?: string;
  /** The key the agent presents (SPEC §3 PHASEGATE_AGENT_KEY). Required. */
  agentKey: string;
  /** The key this sidecar presents to the coordinator. */
  sidecarKey: string;
  /**
   * Configuration: PHASEGATE_JWT_SECRET (HS256 mode) and PHASEGATE_ENFORCEMENT are read from
   * here (default process.env). Commands the agent runs get process.env, scrubbed of every key.
   */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** ms since epoch. */
  now?: () => number;
  /** Lease heartbeat interval (default 15 s). */
  heartbeatMs?: number;
  /** Audit checkpoint interval (default 30 s). */
  checkpointMs?: number;
  /** Max in-flight calls per agent connection before reading pauses (default 32). */
  maxInFlight?: number;
  /**
   * What the operator lets this agent do (`phasegate sidecar --capability review`): the only
   * capabilities claims are made with. An agent may ask for fewer in `task.claim`, never more.
   */
  capabilities?: readonly string[];
  /**
   * SPEC §11: 'on' (default, or PHASEGATE_SANDBOX from `env`) runs run_command / run_tests in
   * the command sandbox and refuses them with sandbox_unavailable where none can be made;
   * 'off' runs them on the host (warned, and recorded in the audit `session` record).
   */
  sandbox?: 'on' | 'off';
  /**
   * The command sandbox's host details: the launcher program, perl (default: found in /usr/bin…),
   * where its private folders go (default os.tmpdir()), and the $HOME commands see as an
   * empty folder (default `env.HOME`).
   */
  sandboxOptions?: { launcher?: string; tmpDir?: string; home?: string };
  /**
   * Limits across all connections (SPEC §11): concurrent commands (default 4), request-body
   * memory (32 MiB), open connections (128). Else PHASEGATE_MAX_COMMANDS,
   * PHASEGATE_MAX_BODY_MEMORY, PHASEGATE_MAX_CONNECTIONS from `env`.
   */
  limits?: Partial<SidecarLimits>;
}

export interface ClaimParams {
  capabilities?: string[];
  task_id?: string;
}

/** `task.claim` result (SPEC §5). */
export interface ClaimResult {
  task: TaskRecord;
  phase: string;
  token: string;
  lease_expires_at: string;
}

export type SidecarNotification =
  /** `token` is null when an approval moved the task into a terminal phase (the claim ended with it). */
  | { method: 'phase.changed'; params: { phase: string; token: string | null } }
  | { method: 'task.paused'; params: { reason: string } }
  | { method: 'task.resumed'; params: Record<string, never> }
  | { method: 'lease.lost'; params: Record<string, never> }
  /** SPEC §13: a human decided this task's approval; `reason` is the rejection's (null on approval). */
  | { method: 'approval.decided'; params: { approval_id: string; decision: 'approved' | 'rejected'; reason: string | null } };

export type NotificationListener = (method: SidecarNotification['method'], params: SidecarNotification['params']) => void;

export interface Sidecar {
  /** ws://127.0.0.1:PORT/agent */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly httpUrl: string;
  /** Same as the agent's `task.claim` (idempotent while a task is held). */
  claim(params?: ClaimParams): Promise<ClaimResult>;
  /**
   * Gives the held task back to the coordinator (its tokens die), unless it reached a terminal
   * phase or waits for an approval. `phasegate run` calls it when CMD exits or cannot start.
   */
  release(): Promise<'released' | 'nothing_held' | 'finished' | 'awaiting_approval'>;
  /** Listens to the notifications agents receive (`phase.changed`, …); returns an unsubscribe function. */
  onNotification(fn: NotificationListener): () => void;
  close(): Promise<void>;
}
