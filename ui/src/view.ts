/** What a page of the dashboard is: something drawn into `main` that may follow live events. */
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
