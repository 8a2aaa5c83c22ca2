/**
 * The next event seq. The event log is append-only and keyed by seq, so the newest seq is its
 * last key; reading that takes a cursor (≈ 18 µs in lmdb-js), so the value is kept between
 * operations and read from the log again after anything rolled back (`forget`).
 */
import type { Database } from 'lmdb';
import { lastEventSeq } from './events.js';
import type { CoordEvent } from './types.js';

export interface EventSeq {
  /** Inside a write transaction: the seq of a new event (the last one + 1). */
  next(): number;
  /** After a rollback (group commit `onRollback`): the kept value may count events that were not written. */
  forget(): void;
}

export function createEventSeq(events: Database<CoordEvent, number>): EventSeq {
  let last: number | undefined;
  return {
    next: () => (last = (last ?? lastEventSeq(events)) + 1),
    forget: () => void (last = undefined),
  };
}
