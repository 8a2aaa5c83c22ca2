/**
 * `phasegate run --reviewer CMD` on the embedded coordinator: each review task spawned for
 * the run's task gets its own run of CMD behind its own sidecar, under another agent id (a
 * review task is never claimable by the author of the task it reviews).
 */
import type { CoordEvent, CoordinatorService, TaskRecord } from '../../core/coordinator/types.js';

export interface ReviewerPool {
  /** Stops every reviewer still running (its process group is killed) and waits for them. */
  stop(): Promise<void>;
}

export interface ReviewerPoolOptions {
  readonly service: CoordinatorService;
  /** The task whose spawned review tasks this pool runs. */
  readonly taskId: string;
  /** Runs one reviewer on `child` until it exits or `signal` aborts; resolves to its exit code. */
  readonly launch: (child: TaskRecord, signal: AbortSignal) => Promise<number>;
  readonly report: (line: string) => void;
}

export function startReviewers(opts: ReviewerPoolOptions): ReviewerPool {
  const { service, taskId } = opts;
  const abort = new AbortController();
  const running = new Map<string, Promise<void>>();
  const run = (childId: string): void => {
    const child = service.getTask(childId);
    if (child === undefined || child.status !== 'pending' || running.has(childId) || abort.signal.aborted) return;
    running.set(
      childId,
      opts.launch(child, abort.signal).then(
        (code) => opts.report(`reviewer of ${childId} exited ${code}`),
        (err: Error) => opts.report(`reviewer of ${childId} failed: ${err.message}`),
      ),
    );
  };
  const unsubscribe = service.subscribe((e: CoordEvent) => {
    if (e.type === 'task_spawned' && e.data.parent_id === taskId && typeof e.data.child_id === 'string') run(e.data.child_id);
  });
  // A run resumed from the state dir may find a review round already waiting.
  for (const id of service.getTask(taskId)?.spawned ?? []) run(id);
  return {
    async stop() {
      unsubscribe();
      abort.abort();
      await Promise.all(running.values());
    },
  };
}
