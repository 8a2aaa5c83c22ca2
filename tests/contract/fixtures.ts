/** Small contracts for the loader tests, and a helper to find the line a test expects. */

/** A minimal valid contract: PLAN → DONE. */
export const MINIMAL = `version: 1
workflows:
  default:
    artifacts:
      plan: plan.schema.json
    gates:
      ready: [has_acceptance_criteria]
    phases:
      PLAN:
        tools:
          allowed: [read_file, write_file]
          forbidden: [delete_file]
      DONE:
        description: finished
        tools:
          allowed: [read_file]
    transitions:
      - from: PLAN
        to: DONE
        requires_artifacts: [plan]
        gate: ready
`;

/** 1-based line of the first line containing `needle` (after `from`, if given). */
export function lineOf(text: string, needle: string, from?: string): number {
  const lines = text.split('\n');
  const start = from === undefined ? 0 : lines.findIndex((l) => l.includes(from));
  const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
  if (index < 0) throw new Error(`fixture has no line with ${needle}`);
  return index + 1;
}
