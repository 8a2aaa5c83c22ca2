/**
 * Request bodies held in memory across every HTTP request of one sidecar (SPEC §11 Limits).
 * Each request reserves its bytes as they arrive and gives them back when it is done, so
 * many slow or unfinished bodies cannot together hold more than the budget.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly max: number) {}

  /** Takes `bytes` from the budget, or returns false (nothing taken) if that would exceed it. */
  tryReserve(bytes: number): boolean {
    if (this.held + bytes > this.max) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  inUse(): number {
    return this.held;
  }
}
