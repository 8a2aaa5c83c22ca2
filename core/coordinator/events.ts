/** The event log: reading by sequence number, and publishing committed events to subscribers in seq order. */
import type { Logger } from '../log.js';
import { EVENTS_END } from './main-db.js';
import type { Store } from './store.js';
import type { CoordEvent } from './types.js';

export const DEFAULT_EVENT_PAGE = 1000;
export const MAX_EVENT_PAGE = 10_000;

/**
 * Events with seq > since, oldest first; `next` is the seq to pass as `since` for the
 * following page, `head` the latest committed seq (a follower that wants only news starts there).
 */
export function readEvents(store: Store, since: number, limit = DEFAULT_EVENT_PAGE): { events: CoordEvent[]; next: number; head: number } {
  const from = Number.isSafeInteger(since) && since > 0 ? since : 0;
  const n = Math.min(Math.max(1, Math.floor(Number.isFinite(limit) ? limit : DEFAULT_EVENT_PAGE)), MAX_EVENT_PAGE);
  // Bounded to the event seqs: the database holds the tasks too (main-db.ts).
  const list = [...store.events.getRange({ start: from + 1, end: EVENTS_END, limit: n }).map((e) => e.value)];
  return { events: list, next: list.at(-1)?.seq ?? from, head: lastEventSeq(store.events) };
}

/** The latest committed seq (0 for an empty log). */
export function lastEventSeq(events: Store['events']): number {
  for (const key of events.getKeys({ start: EVENTS_END, end: 0, reverse: true, limit: 1 })) return key;
  return 0;
}

export class EventPublisher {
  readonly #listeners = new Set<(event: CoordEvent) => void>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(listener: (event: CoordEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called once per operation, after its commit is flushed, in commit (= seq) order. */
  publish(events: readonly CoordEvent[]): void {
    for (const event of events) {
      this.#logger.info({ seq: event.seq, task_id: event.task_id, ...event.data }, event.type);
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          // A faulty subscriber must not stop the others or the caller's response.
          this.#logger.error({ err: error, seq: event.seq }, 'event_listener_failed');
        }
      }
    }
  }
}
