/** What an approver needs to see: the approval, its task, the artifacts' text, the review verdicts, the files changed. */
import type { ApprovalRecord, CoordinatorService, TaskRecord } from '../types.js';

export interface ReviewVerdict {
  readonly task_id: string;
  readonly status: string;
  /** The agent that moved the review task last (its reviewer). */
  readonly agent_id: string | null;
  readonly review: unknown;
}

export interface ApprovalDetails {
  readonly approval: ApprovalRecord;
  readonly task: TaskRecord | null;
  /** Every artifact of the task so far (plan, tests, implementation…) and those of this request, by name. */
  readonly artifacts: Readonly<Record<string, unknown>>;
  /** The review tasks of the latest round, each with its `review` artifact. */
  readonly reviews: readonly ReviewVerdict[];
  readonly files_changed: readonly string[];
}

export function approvalDetails(service: CoordinatorService, approval: ApprovalRecord): ApprovalDetails {
  const task = service.getTask(approval.task_id) ?? null;
  const artifacts: Record<string, unknown> = {};
  for (const [name, hash] of Object.entries({ ...(task?.artifacts ?? {}), ...approval.artifacts })) artifacts[name] = service.artifact(hash) ?? null;
  const round = task?.history.findLast((h) => h.spawned !== undefined && h.spawned.length > 0)?.spawned ?? [];
  const reviews = round.map((id): ReviewVerdict => {
    const child = service.getTask(id);
    const hash = child?.artifacts.review;
    return {
      task_id: id,
      status: child?.status ?? 'missing',
      agent_id: child?.history.findLast((h) => h.agent_id !== null)?.agent_id ?? null,
      review: hash === undefined ? null : (service.artifact(hash) ?? null),
    };
  });
  return { approval, task, artifacts, reviews, files_changed: approval.files_changed ?? [] };
}
