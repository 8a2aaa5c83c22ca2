/**
 * Group commit. Every mutating operation is a synchronous function run inside one LMDB
 * write transaction; all operations queued during one event-loop turn share that
 * transaction (and therefore one fsync), each in its own child transaction so a refused
 * operation rolls back alone. lmdb-js's async `transaction()` would batch too, but it hands
 * every batch to its writer thread and back (≈ 120 µs more per commit than `transactionSync`,
 * measured with lmdb 3.5.6 on the 2-core VM), so we batch ourselves with `transactionSync` —
 * which also makes the order of operations exactly the queue order.
 */
import { ABORT, type RootDatabase } from 'lmdb';
import { PhasegateError } from '../errors.js';

/**
 * lmdb-js TransactionFlags ABORTABLE, nothing else: LMDB's own durable commit (the pages,
 * fdatasync, then the meta page through the O_DSYNC descriptor, checked with strace) before
 * `transactionSync` returns. lmdb-js's `flushed` is no further guarantee here: it tracks its
 * asynchronous writes only, and resolves at once after a synchronous commit.
 */
const COMMIT_FLAGS = 0x1;

export interface Committed<T> {
  readonly value: T;
  /** Resolves once the commit is on disk and the operation's after-commit work has run. */
  readonly durable: Promise<void>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs `run`, turning a throw into an outcome (the caller decides what rolls back). */
function attempt(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

interface QueuedOp {
  run(): unknown;
  resolve(c: Committed<unknown>): void;
  reject(e: unknown): void;
  afterFlush: (() => void) | undefined;
}

export interface GroupCommit {
  /** Queues `fn`; resolves at commit with its value (or rejects with what it threw, having written nothing). */
  write<T>(fn: () => T, afterFlush?: (value: T) => void): Promise<Committed<T>>;
  /** Waits until everything queued so far is committed and durable. */
  drain(): Promise<void>;
  /** Refuses further writes. */
  stop(): void;
}

export interface GroupCommitOptions {
  /**
   * Called right after something was rolled back (one operation that threw, or a whole batch
   * whose commit failed), before the next operation runs: whoever keeps a copy of what the
   * store holds (the event seq) drops it.
   */
  readonly onRollback?: () => void;
  /** Called before each batch's transaction begins, when no write is in flight (data-headroom.ts). */
  readonly beforeCommit?: () => void;
}

export function createGroupCommit(root: RootDatabase, opts: GroupCommitOptions = {}): GroupCommit {
  const rolledBack = opts.onRollback ?? (() => undefined);
  const beforeCommit = opts.beforeCommit ?? (() => undefined);
  let queue: QueuedOp[] = [];
  let scheduled = false;
  let stopped = false;
  // After-flush work (event publication, caller wake-up) runs batch by batch in commit order.
  let published: Promise<void> = Promise.resolve();

  /**
   * A batch of one (every request when traffic is sequential) needs no child transaction:
   * the operation's own transaction is aborted if it throws, which rolls back exactly what
   * a child would have.
   */
  function runAlone(op: QueuedOp): Outcome {
    let outcome!: Outcome;
    root.transactionSync(() => ((outcome = attempt(() => op.run())).ok ? undefined : ABORT), COMMIT_FLAGS);
    if (!outcome.ok) rolledBack();
    return outcome;
  }

  function runBatch(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const results: Outcome[] = [];
    try {
      beforeCommit();
      if (batch.length === 1) results.push(runAlone(batch[0] as QueuedOp));
      else
        root.transactionSync(() => {
          for (const op of batch) {
            const outcome = attempt(() => root.transactionSync(() => op.run()));
            if (!outcome.ok) rolledBack();
            results.push(outcome);
          }
        }, COMMIT_FLAGS);
    } catch (error) {
      rolledBack();
      for (const op of batch) op.reject(error);
      return;
    }
    // Durable already: `transactionSync` returned after LMDB's own sync (COMMIT_FLAGS). After-flush
    // work still runs batch by batch, in commit order: after the earlier batches'.
    batch.forEach((op, i) => {
      const r = results[i];
      if (r === undefined || !r.ok) return op.reject(r?.error);
      const durable = published.then(() => op.afterFlush?.());
      durable.catch(() => undefined); // the caller may have given up before the flush; nothing to report twice
      op.resolve({ value: r.value, durable });
    });
    published = published.then(() => undefined, () => undefined);
  }

  return {
    write<T>(fn: () => T, afterFlush?: (value: T) => void): Promise<Committed<T>> {
      if (stopped) return Promise.reject(new PhasegateError('coordinator_unavailable', 'the coordinator is shutting down'));
      return new Promise<Committed<T>>((resolve, reject) => {
        let value: T;
        queue.push({
          run: () => (value = fn()),
          resolve: resolve as (c: Committed<unknown>) => void,
          reject,
          afterFlush: afterFlush && (() => afterFlush(value)),
        });
        if (!scheduled) {
          scheduled = true;
          // setImmediate, not a microtask: requests whose I/O lands in the same loop turn join the batch.
          setImmediate(runBatch);
        }
      });
    },
    async drain(): Promise<void> {
      if (queue.length > 0) runBatch();
      await published;
    },
    stop(): void {
      stopped = true;
    },
  };
}
