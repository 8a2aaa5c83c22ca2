/**
 * The phase fence of SPEC §11: a call decided in one phase never takes effect in another.
 * Attack stopped: a slow `run_tests` started in IMPL still writing after the task moved to
 * REVIEW, or a write racing a transition. A transition closes the gate (calls arriving now
 * wait), waits for the calls in flight to finish, is forwarded and adopted, then opens the
 * gate; the waiting calls are then decided against the new phase (their old token is
 * `token_superseded`). Transitions are serialized among themselves too.
 */
export class PhaseFence {
  private inFlight = 0;
  private idle: (() => void)[] = [];
  private gate: Promise<void> | undefined;

  /** Enters a call without waiting if no transition is pending (the hot path stays synchronous); else undefined. */
  tryEnter(): (() => void) | undefined {
    if (this.gate !== undefined) return undefined;
    this.inFlight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    };
  }

  /** Runs a call inside the fence, waiting first for any pending transition. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    const leave = this.tryEnter();
    if (leave === undefined) return this.waitGate().then(() => this.call(fn));
    let running: Promise<T>;
    try {
      running = fn();
    } catch (err) {
      // A synchronous throw must not leave the call counted: transitions would wait forever.
      leave();
      return Promise.reject(err);
    }
    // then(ok, fail) rather than finally(): two promises fewer on every call.
    return running.then(
      (value) => (leave(), value),
      (err: unknown) => {
        leave();
        throw err;
      },
    );
  }

  /** Runs a transition once every call in flight has finished; calls arriving meanwhile wait for it. */
  async transition<T>(fn: () => Promise<T>): Promise<T> {
    while (this.gate !== undefined) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      return await fn();
    } finally {
      this.gate = undefined;
      open();
    }
  }

  /** Calls running now (for tests and logs). */
  running(): number {
    return this.inFlight;
  }

  private async waitGate(): Promise<void> {
    while (this.gate !== undefined) await this.gate;
  }
}
