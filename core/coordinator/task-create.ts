/** Creating tasks: from an admin request, or spawned by a transition's trigger. */
import type { CompiledContract } from '../contract/types.js';
import { PhasegateError } from '../errors.js';
import { integerAt, nameAt, objectAt, optionalNames, optionalText, optionalTexts, invalid } from './body-checks.js';
import type { Engine } from './engine.js';
import { EMPTY_HISTORY } from './task-history.js';
import type { WriteTx } from './write-tx.js';
import type { NewTask, StoredTask } from './types.js';

/** What a new task is made from; the rest of its record starts empty. */
export type TaskSeed = Pick<
  StoredTask,
  'title' | 'description' | 'acceptance_criteria' | 'depends_on' | 'workflow' | 'priority' | 'required_capabilities' | 'parent_id'
>;

export const DEFAULT_WORKFLOW = 'default';

/** Shape and contract checks that need no database. */
export function parseNewTask(input: unknown, contract: CompiledContract): TaskSeed {
  const body = objectAt(input, '');
  const workflow = body.workflow === undefined ? DEFAULT_WORKFLOW : nameAt(body.workflow, 'workflow');
  if (!contract.workflows.has(workflow)) invalid('workflow', `no workflow "${workflow}" in the contract`);
  return {
    title: nameAt(body.title, 'title', 1000),
    description: optionalText(body.description, 'description') ?? '',
    acceptance_criteria: optionalTexts(body.acceptance_criteria, 'acceptance_criteria') ?? [],
    depends_on: [...new Set(optionalNames(body.depends_on, 'depends_on') ?? [])],
    workflow,
    priority: body.priority === undefined ? 0 : integerAt(body.priority, 'priority'),
    required_capabilities: [...new Set(optionalNames(body.required_capabilities, 'required_capabilities') ?? [])],
    parent_id: null,
  };
}

/** Inserts a new pending task at its workflow's first phase and emits task_created. */
export function insertTask(tx: WriteTx, contract: CompiledContract, seed: TaskSeed): StoredTask {
  const wf = contract.workflows.get(seed.workflow);
  if (wf === undefined) throw new PhasegateError('invalid_body', `no workflow "${seed.workflow}" in the contract`, { path: 'workflow' });
  const task: StoredTask = {
    ...seed,
    id: tx.nextId('T'),
    spawned: [],
    phase: wf.initialPhase,
    status: 'pending',
    epoch: 0,
    visit: 0,
    phase_evidence: null,
    claim: null,
    ...EMPTY_HISTORY,
    artifacts: {},
    test_lock: null,
    pending_approval_id: null,
    blockers: [],
    created_at: tx.nowIso,
    updated_at: tx.nowIso,
  };
  tx.saveTask(undefined, task);
  tx.emit('task_created', task.id, { title: task.title, workflow: task.workflow, parent_id: task.parent_id });
  return task;
}

export async function createTask(engine: Engine, input: NewTask): Promise<StoredTask> {
  const seed = parseNewTask(input, engine.contract);
  const done = await engine.mutate((tx) => {
    seed.depends_on.forEach((id, i) => {
      if (!engine.store.tasks.doesExist(id)) throw new PhasegateError('not_found', `depends_on: no task ${id}`, { path: `depends_on/${i}` });
    });
    return insertTask(tx, engine.contract, seed);
  });
  await done.durable;
  return done.value;
}
