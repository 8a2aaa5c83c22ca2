import { WebSocket } from 'ws';
import { ConnectionError, errorFromRpc } from './errors.js';

export interface RpcConnectionOptions {
  readonly url: string;
  readonly agentKey: string;
  /** Per-request timeout (default 130 s: longer than the sidecar's default command timeout). */
  readonly requestTimeoutMs?: number;
  /** Reconnect after an unexpected close (default true), with backoff up to 2 s. */
  readonly reconnect?: boolean;
  readonly onNotification: (method: string, params: unknown) => void;
  /** Called when a socket opens after an unexpected close (not on the first connect). */
  readonly onReconnect?: () => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * JSON-RPC 2.0 over one WebSocket to the sidecar. Requests made while reconnecting wait
 * for the new socket; requests in flight when a socket drops fail with ConnectionError
 * (the sidecar may or may not have executed them: the caller decides whether to retry).
 */
export class RpcConnection {
  private socket: WebSocket | undefined;
  private opening: Promise<WebSocket> | undefined;
  private nextId = 1;
  private closed = false;
  private everConnected = false;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: RpcConnectionOptions) {}

  async open(): Promise<void> {
    await this.ensureSocket();
  }

  async request(method: string, params: unknown): Promise<unknown> {
    const socket = await this.ensureSocket();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ConnectionError(`${method}: no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    this.failPending('client closed');
  }

  private get timeoutMs(): number {
    return this.options.requestTimeoutMs ?? 130_000;
  }

  private ensureSocket(): Promise<WebSocket> {
    if (this.closed) return Promise.reject(new ConnectionError('client closed'));
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= this.connectWithRetry().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async connectWithRetry(): Promise<WebSocket> {
    // The first connect fails fast with the real reason; later ones ride out a sidecar restart.
    if (!this.everConnected || this.options.reconnect === false) return this.connectOnce();
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.connectOnce();
      } catch (err) {
        if (this.closed || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
      }
    }
  }

  private connectOnce(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.options.url, { headers: { authorization: `Bearer ${this.options.agentKey}` } });
      ws.once('unexpected-response', (_req, res) => {
        reject(new ConnectionError(`sidecar refused the connection: HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.once('error', (err) => reject(new ConnectionError(`cannot connect to ${this.options.url}: ${err.message}`)));
      // The socket alone never keeps the agent's process alive: a script that forgets close()
      // still exits when its work is done. A request in flight (its timeout timer) and
      // waitForPhase (its timer) do keep it alive while they wait.
      ws.once('upgrade', (res) => res.socket.unref());
      ws.once('open', () => {
        this.socket = ws;
        const reconnected = this.everConnected;
        this.everConnected = true;
        ws.on('message', (data) => this.onMessage(String(data)));
        ws.on('close', () => this.onClose(ws));
        ws.on('error', () => undefined); // 'close' follows; pending calls fail there
        resolve(ws);
        if (reconnected) this.options.onReconnect?.();
      });
    });
  }

  private onMessage(text: string): void {
    let msg: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string; data?: Record<string, unknown> } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return; // the sidecar only sends JSON; ignore anything else rather than crash the agent
    }
    if (msg.id === undefined || msg.id === null) {
      if (typeof msg.method === 'string') this.options.onNotification(msg.method, msg.params);
      return;
    }
    const pending = this.pending.get(msg.id);
    if (pending === undefined) return;
    this.pending.delete(msg.id);
    clearTimeout(pending.timer);
    if (msg.error !== undefined) pending.reject(errorFromRpc(msg.error));
    else pending.resolve(msg.result);
  }

  private onClose(ws: WebSocket): void {
    if (this.socket === ws) this.socket = undefined;
    this.failPending('connection to the sidecar closed');
    // Reconnect now rather than at the next request: an agent that is only waiting (for an
    // approval, say) must hear about the sidecar again without making a call.
    if (!this.closed && this.options.reconnect !== false) this.ensureSocket().catch(() => undefined);
  }

  private failPending(why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ConnectionError(why));
      this.pending.delete(id);
    }
  }
}
