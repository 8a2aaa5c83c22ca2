/** Validates the artifacts a transition carries against the workflow's compiled JSON Schemas. */
import type { CompiledTransition, CompiledWorkflow } from '../contract/types.js';
import type { Blocker } from './types.js';

/**
 * Every problem at once: required artifacts missing, artifacts the workflow does not declare,
 * and one blocker per schema error of each declared artifact present.
 */
export function validateArtifacts(
  workflow: CompiledWorkflow,
  transition: CompiledTransition,
  artifacts: Readonly<Record<string, unknown>>,
): Blocker[] {
  const blockers: Blocker[] = [];
  for (const name of transition.requiresArtifacts) {
    if (!Object.hasOwn(artifacts, name) || artifacts[name] === undefined) {
      blockers.push({ code: 'artifact_missing', message: `required artifact "${name}" is missing`, path: name });
    }
  }
  for (const [name, value] of Object.entries(artifacts)) {
    if (value === undefined) continue;
    const compiled = workflow.artifacts.get(name);
    // Undeclared artifacts are refused, not ignored: nothing unvalidated gets stored with the task.
    if (compiled === undefined) {
      blockers.push({ code: 'artifact_unknown', message: `artifact "${name}" is not declared in workflow "${workflow.name}"`, path: name });
      continue;
    }
    if (compiled.validate(value)) continue;
    const errors = compiled.validate.errors ?? [];
    if (errors.length === 0) blockers.push({ code: 'artifact_invalid', message: `${name}: does not match its schema`, path: name });
    for (const e of errors) {
      blockers.push({ code: 'artifact_invalid', message: `${name}${e.instancePath}: ${e.message ?? e.keyword}`, path: `${name}${e.instancePath}` });
    }
  }
  return blockers;
}
