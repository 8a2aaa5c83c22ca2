/** What a page of the dashboard is: something drawn into `main` that may follow live events. */
import { replace, type Child } from './dom.js';
import type { CoordEvent } from './types.js';

export interface ViewContext {
  readonly role: string;
  readonly main: HTMLElement;
}

export interface View {
  /** Every event from the stream while the view is shown. */
  onEvent?(e: CoordEvent): void;
  dispose?(): void;
}

/** Admin decides; the auditor only reads (the coordinator refuses its decisions anyway). */
export const canDecide = (ctx: ViewContext): boolean => ctx.role === 'admin';

/**
 * Redraws `main` from `build`: one build at a time (asked again meanwhile, it runs once more
 * after), so an older answer never paints over a newer one, and nothing paints after dispose.
 */
export function redrawer(main: HTMLElement, build: () => Promise<Child[]>): { draw(): Promise<void>; dispose(): void } {
  let running: Promise<void> | undefined;
  let again = false;
  let disposed = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      const nodes = await build();
      if (disposed) return;
      replace(main, ...nodes);
    } while (again && !disposed);
  };
  return {
    draw() {
      if (running !== undefined) return (again = true), running;
      return (running = run().finally(() => (running = undefined)));
    },
    dispose: () => void (disposed = true),
  };
}
