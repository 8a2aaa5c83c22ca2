import type { CoordEvent, CoordinatorService } from '../../core/coordinator/types.js';

export interface DemoEventHooks {
  readonly report: (line: string) => void;
  /** A review task was spawned: the demo starts a review agent on it. */
  readonly onReviewTask: (childId: string) => void;
}

export const AUTO_APPROVAL_NOTE = 'auto-approved by `phasegate demo` (in real use a human decides)';

/**
 * Narrates the coordinator's events and plays the two roles a real deployment gives to
 * people: starting a reviewer when a review task appears, and deciding the approval.
 * The approval is granted automatically here ONLY because this is the demo; outside it,
 * REVIEW → COMPLETE waits for `phasegate approve ID` from a human with the admin key.
 */
export function followDemoEvents(service: CoordinatorService, hooks: DemoEventHooks): () => void {
  return service.subscribe((event) => {
    const line = describe(event);
    if (line !== undefined) hooks.report(line);
    if (event.type === 'task_spawned' && typeof event.data.child_id === 'string') {
      hooks.onReviewTask(event.data.child_id);
    }
    if (event.type === 'approval_requested' && typeof event.data.approval_id === 'string') {
      const id = event.data.approval_id;
      hooks.report(`approval ${id} requested: AUTO-APPROVING because this is the demo (a human approves this in real use)`);
      // Decided outside the listener: the event is delivered from inside the engine's commit.
      setImmediate(() => {
        service.approve(id, AUTO_APPROVAL_NOTE, 'admin:demo (auto-approval)').catch((err: Error) => hooks.report(`auto-approval of ${id} failed: ${err.message}`));
      });
    }
  });
}

function describe(event: CoordEvent): string | undefined {
  const d = event.data;
  const task = event.task_id ?? '-';
  switch (event.type) {
    case 'phase_transition_applied':
      return `task ${task}: ${String(d.from)} → ${String(d.to)}`;
    case 'phase_transition_blocked': {
      const codes = Array.isArray(d.blockers) ? d.blockers.map((b) => (b as { code?: unknown }).code).join(', ') : '';
      return `task ${task}: ${String(d.from)} → ${String(d.to)} blocked (${codes})`;
    }
    case 'task_spawned':
      return `task ${String(d.parent_id)} spawned review task ${String(d.child_id)}: starting the review agent`;
    case 'approval_decided':
      return `approval ${String(d.approval_id)} ${String(d.decision)}`;
    default:
      return undefined;
  }
}
