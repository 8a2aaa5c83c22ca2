/** Past events and denials: what the page loads before the stream, and the denials poller. */
import { get } from './api.js';
import type { CoordEvent, Denial } from './types.js';

const RECENT_EVENTS = 2000;
const POLL_MS = 2000;

/** The coordinator's latest event seq (the stream resumes after it). */
export async function eventHead(): Promise<number> {
  return (await get<{ head: number }>('/api/v1/events?since=0&limit=1')).head;
}

/** Up to the last 2000 events, oldest first. */
export async function recentEvents(): Promise<CoordEvent[]> {
  const head = await eventHead();
  const since = Math.max(0, head - RECENT_EVENTS);
  return (await get<{ events: CoordEvent[] }>(`/api/v1/events?since=${since}&limit=${RECENT_EVENTS}`)).events;
}

/** Calls `onDenial` for every stored denial, then for each new one as polling finds it. */
export function recentDenials(onDenial: (d: Denial) => void): { stop(): void } {
  let since = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async (): Promise<void> => {
    try {
      const page = await get<{ denials: Denial[]; next: number; head: number }>(`/api/v1/denials?since=${since}&limit=1000`);
      // A restarted coordinator numbers from 1 again.
      if (page.head < since) since = 0;
      else {
        for (const d of page.denials) if (!stopped) onDenial(d);
        since = page.next;
      }
    } catch {
      // Shown as stale data until the next poll succeeds.
    }
    if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
  };
  void poll();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
