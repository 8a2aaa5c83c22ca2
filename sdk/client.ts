import { ApprovalRejectedError, LeaseLostError, TokenError, type PhasegateSdkError } from './errors.js';
import { RpcConnection } from './rpc-connection.js';
import { tokenExpiry, tokenPhase, tokenTaskId } from './token-claims.js';
import type {
  ClaimResult,
  CommandResult,
  DescribeResult,
  Notification,
  SnapshotResult,
  StatusResult,
  TestResult,
  TransitionResult,
} from './wire.js';

export interface AgentClientOptions {
  /** ws URL of the sidecar (default `PHASEGATE_URL`). */
  readonly url?: string;
  /** Key presented on the WebSocket upgrade (default `PHASEGATE_AGENT_KEY`). */
  readonly agentKey?: string;
  /** Initial phase token (default `PHASEGATE_PHASE_TOKEN`). */
  readonly token?: string;
  readonly requestTimeoutMs?: number;
  readonly reconnect?: boolean;
  /** Refresh this many seconds before the token expires (default 60). */
  readonly refreshLeadSeconds?: number;
}

type Listener = (n: Notification) => void;

/**
 * An agent's handle on its sidecar. It keeps the current phase token itself: it stores the
 * token from claims, transitions and `phase.changed`, refreshes it before expiry, and
 * retries a call once with a refreshed token when the sidecar says the token was superseded
 * (after a sidecar restart: with the token of a new claim of its own task).
 */
export class AgentClient {
  private currentToken: string | undefined;
  private currentPhase: string | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly phaseWaiters = new Set<(phase: string) => void>();
  /** Waiters that fail when no phase change is coming: a rejected approval, a lost lease. */
  private readonly phaseFailures = new Set<(err: PhasegateSdkError) => void>();
  private readonly rpc: RpcConnection;

  private constructor(private readonly options: Required<Pick<AgentClientOptions, 'refreshLeadSeconds'>> & AgentClientOptions) {
    this.rpc = new RpcConnection({
      url: options.url ?? '',
      agentKey: options.agentKey ?? '',
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.reconnect !== undefined && { reconnect: options.reconnect }),
      onNotification: (method, params) => this.onNotification({ method, params } as Notification),
      // Notifications sent while we were away are lost: ask where the task is now, retrying a
      // little while the restarted sidecar has not re-claimed the task yet (no_task).
      onReconnect: () => void this.catchUpAfterReconnect(),
    });
    // An empty PHASEGATE_PHASE_TOKEN means "no token yet", not a token to send.
    if (options.token) this.setToken(options.token);
  }

  private async catchUpAfterReconnect(attempts = 40): Promise<void> {
    for (let i = 0; i < attempts; i++) {
      try {
        this.setPhase((await this.status()).phase);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 250).unref());
      }
    }
  }

  /** Connects using the environment the wrapper provides (SPEC §6); options override it. */
  static async connect(options: AgentClientOptions = {}): Promise<AgentClient> {
    const env = process.env;
    const url = options.url ?? env.PHASEGATE_URL;
    const agentKey = options.agentKey ?? env.PHASEGATE_AGENT_KEY;
    if (!url) throw new TypeError('AgentClient: "url" is required (or set PHASEGATE_URL)');
    if (!agentKey) throw new TypeError('AgentClient: "agentKey" is required (or set PHASEGATE_AGENT_KEY)');
    const token = options.token ?? env.PHASEGATE_PHASE_TOKEN;
    const client = new AgentClient({ refreshLeadSeconds: 60, ...options, url, agentKey, ...(token ? { token } : {}) });
    await client.rpc.open();
    return client;
  }

  get token(): string | undefined {
    return this.currentToken;
  }

  get phase(): string | undefined {
    return this.currentPhase;
  }

  /** Notifications from the sidecar (`phase.changed`, `approval.decided`, `task.paused`, `task.resumed`, `lease.lost`). */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async claimTask(params: { capabilities?: string[]; task_id?: string } = {}): Promise<ClaimResult> {
    const result = (await this.rpc.request('task.claim', params)) as ClaimResult;
    this.setPhase(result.phase);
    this.setToken(result.token);
    return result;
  }

  /** Asks to move to `target`; on success the new phase token is stored. */
  async requestTransition(target: string, artifacts: Record<string, unknown> = {}): Promise<TransitionResult> {
    const result = (await this.withToken((token) =>
      this.rpc.request('task.transition', { token, target_phase: target, artifacts }),
    )) as TransitionResult;
    if (result.allowed) {
      this.setPhase(result.phase);
      this.setToken(result.token);
    }
    return result;
  }

  status(): Promise<StatusResult> {
    return this.withToken((token) => this.rpc.request('task.status', { token })) as Promise<StatusResult>;
  }

  snapshot(): Promise<SnapshotResult> {
    return this.withToken((token) => this.rpc.request('state.snapshot', { token })) as Promise<SnapshotResult>;
  }

  describe(): Promise<DescribeResult> {
    return this.rpc.request('contract.describe', this.currentToken ? { token: this.currentToken } : {}) as Promise<DescribeResult>;
  }

  /** Exchanges the current token for a fresh one (for the task's current phase). */
  async refreshToken(): Promise<string> {
    const token = this.requireToken();
    const result = (await this.rpc.request('token.refresh', { token })) as { token: string };
    this.setToken(result.token);
    return result.token;
  }

  /**
   * Resolves when the task reaches `phase` (e.g. when a human approval lands): from a
   * `phase.changed` notification, a new token, or the status read after a reconnect.
   * Rejects with ApprovalRejectedError (its `data.reason` is the approver's) when the
   * approval is rejected, and with LeaseLostError when the task is taken away.
   */
  waitForPhase(phase: string, timeoutMs = 10 * 60_000): Promise<string> {
    if (this.currentPhase === phase) return Promise.resolve(phase);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.phaseWaiters.delete(waiter);
        this.phaseFailures.delete(failure);
      };
      const waiter = (now: string): void => {
        if (now !== phase) return;
        done();
        resolve(phase);
      };
      const failure = (err: PhasegateSdkError): void => {
        done();
        reject(err);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`waitForPhase(${phase}): still ${this.currentPhase} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.phaseWaiters.add(waiter);
      this.phaseFailures.add(failure);
    });
  }

  useTool<T = unknown>(tool: string, args: Record<string, unknown> = {}): Promise<T> {
    return this.withToken((token) => this.rpc.request('tool.call', { token, tool, args })) as Promise<T>;
  }

  readFile(path: string): Promise<{ content: string; bytes: number }> {
    return this.useTool('read_file', { path });
  }

  writeFile(path: string, content: string): Promise<{ bytes: number }> {
    return this.useTool('write_file', { path, content });
  }

  editFile(path: string, oldText: string, newText: string): Promise<{ replacements: number }> {
    return this.useTool('edit_file', { path, old: oldText, new: newText });
  }

  listFiles(options: { path?: string; pattern?: string } = {}): Promise<{ files: string[] }> {
    return this.useTool('list_files', options);
  }

  search(query: string, options: { path?: string; pattern?: string } = {}): Promise<{ matches: { path: string; line: number; text: string }[] }> {
    return this.useTool('search', { query, ...options });
  }

  /** Runs a command: an argv array, or a string split with POSIX quoting (no shell operators). */
  runCommand(command: string | string[], options: { cwd?: string; timeout_ms?: number } = {}): Promise<CommandResult> {
    return this.useTool('run_command', { ...(Array.isArray(command) ? { argv: command } : { command }), ...options });
  }

  runTests(): Promise<TestResult> {
    return this.useTool('run_tests', {});
  }

  close(): void {
    clearTimeout(this.refreshTimer);
    this.rpc.close();
  }

  private async withToken(call: (token: string) => Promise<unknown>): Promise<unknown> {
    try {
      return await call(this.requireToken());
    } catch (err) {
      // A phase change we have not heard about yet (e.g. an approval while disconnected):
      // one refresh gets the current phase's token; a real loss of the claim fails again.
      if (!(err instanceof TokenError) || (err.reason !== 'token_superseded' && err.reason !== 'token_expired')) throw err;
      return call(await this.recoverToken());
    }
  }

  private async recoverToken(): Promise<string> {
    try {
      return await this.refreshToken();
    } catch (err) {
      // A restarted sidecar holds our task under a new claim (new epoch), so no token of the
      // old claim refreshes. Claiming our task again is idempotent for its holder and returns
      // the current token; if someone else holds it now, this fails with no_task.
      const taskId = this.currentToken === undefined ? undefined : tokenTaskId(this.currentToken);
      if (!(err instanceof TokenError) || taskId === undefined) throw err;
      return (await this.claimTask({ task_id: taskId })).token;
    }
  }

  private requireToken(): string {
    if (this.currentToken === undefined) throw new TokenError(-32001, 'token_missing', 'no phase token yet: call claimTask() first');
    return this.currentToken;
  }

  private setToken(token: string): void {
    this.currentToken = token;
    // A phase token names its phase: known from the first (environment) token on.
    const phase = tokenPhase(token);
    if (phase !== undefined) this.setPhase(phase);
    clearTimeout(this.refreshTimer);
    const exp = tokenExpiry(token);
    if (exp === undefined) return;
    const delayMs = Math.max(1_000, (exp - this.options.refreshLeadSeconds) * 1000 - Date.now());
    this.refreshTimer = setTimeout(() => void this.refreshToken().catch(() => undefined), delayMs);
    this.refreshTimer.unref();
  }

  private setPhase(phase: string): void {
    if (phase === this.currentPhase) return;
    this.currentPhase = phase;
    for (const waiter of [...this.phaseWaiters]) waiter(phase);
  }

  private failWaiters(err: PhasegateSdkError): void {
    for (const fail of [...this.phaseFailures]) fail(err);
  }

  private onNotification(n: Notification): void {
    if (n.method === 'phase.changed') {
      this.setPhase(n.params.phase);
      // Into a terminal phase there is no token (the claim ended with the task): keep the
      // old one for reads the sidecar may still answer, but stop refreshing it.
      if (typeof n.params.token === 'string') this.setToken(n.params.token);
      else clearTimeout(this.refreshTimer);
    }
    if (n.method === 'approval.decided' && n.params.decision === 'rejected') {
      this.failWaiters(new ApprovalRejectedError(n.params.approval_id, n.params.reason ?? 'no reason given'));
    }
    if (n.method === 'lease.lost') this.failWaiters(new LeaseLostError('the task was released, cancelled or taken over while waiting'));
    for (const listener of this.listeners) listener(n);
  }
}
