/** A gate-free cycle A ⇄ B (and B → COMPLETE), so one task can transition back and forth forever. */
export const CYCLE = `version: 1
workflows:
  default:
    phases:
      A: { tools: { allowed: [read_file] } }
      B: { tools: { allowed: [read_file] } }
      COMPLETE: { tools: { allowed: [read_file] } }
    transitions:
      - { from: A, to: B }
      - { from: B, to: A }
      - { from: B, to: COMPLETE }
`;
