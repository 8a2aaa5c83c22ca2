/**
 * A CompiledContract built by hand (independent of the contract loader), shaped like the
 * default workflow: PLAN → TDD → IMPL → REVIEW.
 */
import { parseCommandPattern } from '../../core/policy/index.js';
import type { Assignment } from '../../core/policy/index.js';
import type { CompiledConstraint, CompiledContract, CompiledPhase, CompiledWorkflow, EnforcementMode } from '../../core/contract/types.js';
import type { PhaseClaims } from '../../core/tokens/types.js';

interface ConstraintSpec {
  paths?: string[];
  deny?: string[];
  commands?: string[];
}

function phase(name: string, allowed: string[], forbidden: string[], constraints: Record<string, ConstraintSpec> = {}): CompiledPhase {
  const compiled = new Map<string, CompiledConstraint>();
  for (const [tool, c] of Object.entries(constraints)) {
    compiled.set(tool, { paths: c.paths, deny: c.deny ?? [], commands: c.commands?.map(parseCommandPattern) });
  }
  return { name, description: '', allowed: new Set(allowed), forbidden: new Set(forbidden), constraints: compiled };
}

const READ = ['read_file', 'list_files', 'search'];

export const PHASES: readonly CompiledPhase[] = [
  phase('PLAN', [...READ, 'write_file'], ['run_command', 'delete_file'], {
    write_file: { paths: ['docs/plans/**', 'work/{{ task.id }}/**', 'agents/{{agent.id}}/**'], deny: ['**/*.env'] },
  }),
  phase('TDD', [...READ, 'write_file', 'edit_file', 'run_tests', 'run_command'], [], {
    write_file: { paths: ['tests/**'] },
    edit_file: { paths: ['tests/**'] },
    read_file: { deny: ['**/*.env', 'secrets/**'] },
    run_command: { commands: ['npm test **', 'git status', 'node * --check'] },
  }),
  phase('IMPL', [...READ, 'write_file', 'edit_file', 'delete_file', 'run_tests', 'run_command'], [], {
    write_file: { deny: ['tests/**'] },
    edit_file: { deny: ['tests/**'] },
    delete_file: { deny: ['tests/**'] },
  }),
  phase('REVIEW', READ, ['write_file', 'edit_file', 'delete_file']),
  phase('EMPTY', ['write_file'], [], { write_file: { paths: [] } }),
];

export function makeContract(enforcement: EnforcementMode = 'strict'): CompiledContract {
  const workflow: CompiledWorkflow = {
    name: 'default',
    description: '',
    initialPhase: 'PLAN',
    terminalPhases: new Set(['COMPLETE']),
    phases: new Map(PHASES.map((p) => [p.name, p])),
    transitions: [],
    transitionIndex: new Map(),
    artifacts: new Map(),
    testGlobs: ['tests/**'],
    testConfig: [],
    lockGlobs: ['tests/**'],
    maxReviewRounds: 3,
    tests: { command: 'npm test', argv: ['npm', 'test'], timeoutMs: 120_000 },
  };
  return {
    sha256: 'f'.repeat(64),
    file: 'agent_workflow.yaml',
    doc: { version: 1, workflows: {} },
    enforcement,
    protectedGlobs: ['agent_workflow.yaml', 'package.json', '.phasegate/**', '.git/**'],
    workflows: new Map([['default', workflow]]),
  };
}

export function assignment(phaseName: string, over: Partial<Assignment> = {}): Assignment {
  return { agentId: 'agent-1', taskId: 'task-1', workflow: 'default', phase: phaseName, epoch: 3, ...over };
}

export const NOW = 1_700_000_000;

/** Claims matching `a`, valid for an hour from NOW, with the phase's allowed tools. */
export function claimsFor(a: Assignment, over: Partial<PhaseClaims> = {}): PhaseClaims {
  const p = PHASES.find((x) => x.name === a.phase);
  return {
    iss: 'phasegate-coordinator',
    aud: 'phasegate',
    sub: a.agentId,
    task_id: a.taskId,
    phase: a.phase,
    allowed_tools: [...(p?.allowed ?? [])],
    epoch: a.epoch,
    contract: 'f'.repeat(64),
    iat: NOW - 10,
    exp: NOW + 3600,
    jti: 'jti-1',
    ...over,
  };
}
