import { basename } from 'node:path';
import { parseCommandPattern } from '../policy/command-pattern.js';
import { splitCommand } from '../policy/shell-words.js';
import { TEST_CONFIG_PLACEHOLDER, TEST_GLOBS_PLACEHOLDER } from './pattern-checks.js';
import type {
  CompiledArtifact,
  CompiledConstraint,
  CompiledContract,
  CompiledPhase,
  CompiledTransition,
  CompiledWorkflow,
  ContractDoc,
  PhaseDoc,
  TransitionDoc,
  WorkflowDoc,
} from './types.js';

/** `run_tests` time limit when the workflow's `tests` sets none. */
export const DEFAULT_TEST_TIMEOUT_MS = 300_000;

/** Review rounds (IMPL → REVIEW spawns) a task may go through when the workflow sets no `max_review_rounds`. */
export const DEFAULT_MAX_REVIEW_ROUNDS = 3;

/**
 * Always protected, whatever the contract says. Attack stopped: an agent rewriting the
 * contract, the coordinator's state or keys (`.phasegate/`), or git metadata at any depth
 * (hooks run code on the operator's next commit; a nested `.git/config` runs code on `git
 * status`). Listed here for `contract explain`; core/policy enforces them on its own too.
 */
const ALWAYS_PROTECTED = ['.phasegate/**', '.git/**', '**/.git/**', '**/.git', 'agent_workflow.yaml'];

/**
 * Builds the compiled form of a document that passed every check. `file` names the
 * contract; its basename is protected (the contract normally sits at the workspace root).
 */
export function compileContract(
  doc: ContractDoc,
  file: string,
  sha256: string,
  artifacts: ReadonlyMap<string, ReadonlyMap<string, CompiledArtifact>>,
): CompiledContract {
  const workflows = new Map<string, CompiledWorkflow>();
  for (const [name, wf] of Object.entries(doc.workflows)) {
    workflows.set(name, compileWorkflow(name, wf, artifacts.get(name) ?? new Map()));
  }
  return {
    sha256,
    file,
    doc,
    enforcement: doc.enforcement?.mode ?? 'strict',
    protectedGlobs: [...new Set([...(doc.protected ?? []), basename(file), ...ALWAYS_PROTECTED])],
    workflows,
  };
}

function compileWorkflow(name: string, wf: WorkflowDoc, artifacts: ReadonlyMap<string, CompiledArtifact>): CompiledWorkflow {
  const testGlobs = wf.test_globs ?? [];
  const testConfig = wf.test_config ?? [];
  const phaseNames = Object.keys(wf.phases);
  const transitions = wf.transitions.map((t) => compileTransition(t, wf));
  const tests = wf.tests === undefined ? undefined : compileTests(wf.tests);
  return {
    name,
    description: wf.description ?? '',
    initialPhase: wf.initial_phase ?? (phaseNames[0] as string),
    terminalPhases: new Set(phaseNames.filter((p) => !transitions.some((t) => t.from === p))),
    phases: new Map(phaseNames.map((p) => [p, compilePhase(p, wf.phases[p] as PhaseDoc, testGlobs, testConfig)])),
    transitions,
    transitionIndex: new Map(transitions.map((t) => [`${t.from}->${t.to}`, t])),
    artifacts,
    testGlobs,
    testConfig,
    lockGlobs: [...new Set([...testGlobs, ...testConfig])],
    maxReviewRounds: wf.max_review_rounds ?? DEFAULT_MAX_REVIEW_ROUNDS,
    tests,
  };
}

function compileTests(tests: NonNullable<WorkflowDoc['tests']>): CompiledWorkflow['tests'] {
  const split = splitCommand(tests.command);
  if (!split.ok) throw new Error(`unreachable: test command was checked (${split.operator})`);
  return { command: tests.command, argv: split.argv, timeoutMs: tests.timeout_ms ?? DEFAULT_TEST_TIMEOUT_MS };
}

function compilePhase(name: string, phase: PhaseDoc, testGlobs: readonly string[], testConfig: readonly string[]): CompiledPhase {
  const expand = (globs: readonly string[] | undefined) =>
    globs?.flatMap((g) => (g === TEST_GLOBS_PLACEHOLDER ? testGlobs : g === TEST_CONFIG_PLACEHOLDER ? testConfig : [g]));
  const constraints = new Map<string, CompiledConstraint>();
  for (const [tool, c] of Object.entries(phase.constraints ?? {})) {
    constraints.set(tool, {
      paths: expand(c.paths),
      deny: expand(c.deny) ?? [],
      commands: c.commands?.map(parseCommandPattern),
    });
  }
  return {
    name,
    description: phase.description ?? '',
    allowed: new Set(phase.tools.allowed),
    forbidden: new Set(phase.tools.forbidden ?? []),
    constraints,
    sandboxNetwork: phase.sandbox?.network === true,
  };
}

function compileTransition(t: TransitionDoc, wf: WorkflowDoc): CompiledTransition {
  const triggers = t.triggers ?? [];
  return {
    from: t.from,
    to: t.to,
    description: t.description ?? '',
    gate: t.gate,
    checks: t.gate === undefined ? [] : (wf.gates?.[t.gate] ?? []),
    requiresArtifacts: t.requires_artifacts ?? [],
    approval: t.approval ?? false,
    lockTests: triggers.includes('lock_tests'),
    spawn: triggers.flatMap((trigger) =>
      typeof trigger === 'string'
        ? []
        : [{
            workflow: trigger.spawn_task.workflow,
            title: trigger.spawn_task.title,
            capabilities: trigger.spawn_task.capabilities ?? [],
            count: trigger.spawn_task.count ?? 1,
          }],
    ),
  };
}
