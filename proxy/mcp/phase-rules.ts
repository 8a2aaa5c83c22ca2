/**
 * The rules of the task's current phase as the bridge keeps them: `contract.describe` read
 * once per phase and narrowed to the fields the tool list and the texts use.
 */

export interface ToolConstraint {
  readonly paths?: readonly string[];
  readonly deny?: readonly string[];
  readonly commands?: readonly string[];
}

export interface TransitionRule {
  readonly to: string;
  readonly description: string;
  readonly requires_artifacts: readonly string[];
  readonly gate: string | null;
  readonly checks: readonly string[];
  readonly approval: boolean;
}

export interface ArtifactRule {
  readonly schema_file: string;
  readonly schema: { readonly required?: readonly string[]; readonly properties?: Readonly<Record<string, unknown>> };
}

export interface PhaseRules {
  readonly phase: string;
  readonly description: string;
  readonly allowed_tools: readonly string[];
  readonly forbidden_tools: readonly string[];
  readonly constraints: Readonly<Record<string, ToolConstraint>>;
  readonly protected: readonly string[];
  readonly test_globs: readonly string[];
  readonly artifacts: Readonly<Record<string, ArtifactRule>>;
  readonly transitions: readonly TransitionRule[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Narrows a `contract.describe` result; missing fields become empty (an older sidecar). */
export function phaseRulesFrom(described: unknown): PhaseRules {
  const d = record(described);
  const constraints: Record<string, ToolConstraint> = {};
  for (const [tool, raw] of Object.entries(record(d.constraints))) {
    const c = record(raw);
    constraints[tool] = {
      ...(c.paths !== undefined && { paths: strings(c.paths) }),
      ...(c.deny !== undefined && { deny: strings(c.deny) }),
      ...(c.commands !== undefined && { commands: strings(c.commands) }),
    };
  }
  const artifacts: Record<string, ArtifactRule> = {};
  for (const [name, raw] of Object.entries(record(d.artifacts))) {
    const a = record(raw);
    artifacts[name] = { schema_file: String(a.schema_file ?? ''), schema: record(a.schema) as ArtifactRule['schema'] };
  }
  const transitions = (Array.isArray(d.transitions) ? d.transitions : []).map((raw) => {
    const t = record(raw);
    return {
      to: String(t.to ?? ''),
      description: typeof t.description === 'string' ? t.description : '',
      requires_artifacts: strings(t.requires_artifacts),
      gate: typeof t.gate === 'string' ? t.gate : null,
      checks: strings(t.checks),
      approval: t.approval === true,
    };
  });
  return {
    phase: String(d.phase ?? ''),
    description: typeof d.description === 'string' ? d.description : '',
    allowed_tools: strings(d.allowed_tools),
    forbidden_tools: strings(d.forbidden_tools),
    constraints,
    protected: strings(d.protected),
    test_globs: strings(d.test_globs),
    artifacts,
    transitions,
  };
}
