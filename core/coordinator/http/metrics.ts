/** Prometheus metrics on a private Registry (never the global one: two coordinators in one process stay apart). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TaskStatus } from '../types.js';

export type TransitionOutcome = 'allowed' | 'blocked' | 'awaiting_approval';

export interface CoordinatorMetrics {
  readonly registry: Registry;
  request(method: string, route: string, status: number): void;
  transition(outcome: TransitionOutcome): void;
  claimSeconds(seconds: number): void;
}

const OPEN: readonly TaskStatus[] = ['pending', 'claimed', 'awaiting_approval', 'paused'];

/**
 * `countTasks` is read on every scrape, so the gauge is never stale; it must be O(1) (the
 * engine's status counters), never a walk over the tasks.
 *
 * Nothing an agent or any client sends becomes a label value: `route` is the matched route
 * template or "unmatched" (never the raw path), `method` is one of the methods Node's HTTP
 * parser accepts, `status` a status code. So a scrape leaks no client-chosen text and the
 * number of series stays bounded however the API is probed.
 */
export function createMetrics(countTasks: () => Readonly<Record<TaskStatus, number>>): CoordinatorMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'phasegate_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'phasegate_transitions_total',
    help: 'Transition requests by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const claims = new Histogram({
    name: 'phasegate_claim_duration_seconds',
    help: 'Time to answer a claim, durable commit included',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  new Gauge({
    name: 'phasegate_open_tasks',
    help: 'Tasks not yet completed or failed, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      const counts = countTasks();
      for (const status of OPEN) this.set({ status }, counts[status]);
    },
  });
  const requestChildren = new Map<string, { inc(): void }>();
  return {
    registry,
    // One child per label set, kept: labels are bounded (see above), and reusing the child
    // skips prom-client's label validation and hashing on every request.
    request: (method, route, status) => {
      const key = `${method} ${route} ${status}`;
      let child = requestChildren.get(key);
      if (child === undefined) requestChildren.set(key, (child = requests.labels({ method, route, status: String(status) })));
      child.inc();
    },
    transition: (outcome) => transitions.inc({ outcome }),
    claimSeconds: (s) => claims.observe(s),
  };
}
