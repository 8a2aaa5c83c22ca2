/**
 * At most N commands run at once for the whole sidecar, whichever connection asked (SPEC §11
 * Limits); the rest wait in arrival order. The counts are kept for tests and metrics.
 */
export class CommandSlots {
  private running = 0;
  private peak = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly max: number) {}

  /** Runs `fn` once a slot is free; the slot is given back however `fn` ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((go) => this.queue.push(go));
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      // The slot passes straight to the next waiter: `running` stays the same.
      if (next !== undefined) next();
      else this.running--;
    }
  }

  stats(): { running: number; queued: number; peak: number } {
    return { running: this.running, queued: this.queue.length, peak: this.peak };
  }
}
