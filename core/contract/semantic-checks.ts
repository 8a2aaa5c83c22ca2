import { arrayAt, isRecord, recordAt, stringAt, stringItems } from './doc-access.js';
import { formatPath, type DocPath, type PathIssue } from './yaml-source.js';

/** Checks the cross-references a JSON Schema cannot express, per workflow. */
export function checkSemantics(doc: unknown): PathIssue[] {
  const workflows = recordAt(doc, 'workflows');
  const names = new Set(Object.keys(workflows));
  return Object.entries(workflows).flatMap(([name, wf]) => (isRecord(wf) ? checkWorkflow(name, wf, names) : []));
}

function checkWorkflow(name: string, wf: Record<string, unknown>, workflows: ReadonlySet<string>): PathIssue[] {
  const base: DocPath = ['workflows', name];
  const phases = recordAt(wf, 'phases');
  const gates = recordAt(wf, 'gates');
  const artifacts = recordAt(wf, 'artifacts');
  const issues: PathIssue[] = [];
  const add = (path: DocPath, message: string) => {
    const full = [...base, ...path];
    issues.push({ path: full, message: `${formatPath(full)}: ${message}` });
  };
  const unknownPhase = (phase: string) => `unknown phase "${phase}" (workflow "${name}" has ${list(Object.keys(phases))})`;

  const initial = stringAt(wf, 'initial_phase');
  if (initial !== undefined && !(initial in phases)) add(['initial_phase'], unknownPhase(initial));

  for (const [phase, body] of Object.entries(phases)) {
    const allowed = new Set(stringItems(arrayAt(recordAt(body, 'tools'), 'allowed')).map(([tool]) => tool));
    for (const [tool, i] of stringItems(arrayAt(recordAt(body, 'tools'), 'forbidden'))) {
      if (allowed.has(tool)) add(['phases', phase, 'tools', 'forbidden', i], `tool "${tool}" is both allowed and forbidden`);
    }
  }

  const edges: [string, string][] = [];
  let danglingEdge = false;
  const seen = new Map<string, number>();
  arrayAt(wf, 'transitions').forEach((t, i) => {
    const from = stringAt(t, 'from');
    const to = stringAt(t, 'to');
    for (const [end, phase] of [['from', from], ['to', to]] as const) {
      if (phase !== undefined && !(phase in phases)) {
        add(['transitions', i, end], unknownPhase(phase));
        danglingEdge = true;
      }
    }
    if (from === undefined || to === undefined) return;
    edges.push([from, to]);
    if (from === to) add(['transitions', i], `transition from "${from}" to itself`);
    const first = seen.get(`${from}->${to}`);
    if (first !== undefined) add(['transitions', i], `duplicate transition ${from} -> ${to} (first at transitions[${first}])`);
    else seen.set(`${from}->${to}`, i);

    const gate = stringAt(t, 'gate');
    if (gate !== undefined && !(gate in gates)) add(['transitions', i, 'gate'], `unknown gate "${gate}" (workflow "${name}" has ${list(Object.keys(gates))})`);
    for (const [artifact, j] of stringItems(arrayAt(t, 'requires_artifacts'))) {
      if (!(artifact in artifacts)) add(['transitions', i, 'requires_artifacts', j], `artifact "${artifact}" is not declared under artifacts`);
    }
    arrayAt(t, 'triggers').forEach((trigger, j) => {
      const target = stringAt(recordAt(trigger, 'spawn_task'), 'workflow');
      if (target !== undefined && !workflows.has(target)) add(['transitions', i, 'triggers', j, 'spawn_task', 'workflow'], `unknown workflow "${target}"`);
      if (trigger === 'lock_tests' && arrayAt(wf, 'test_globs').length === 0 && arrayAt(wf, 'test_config').length === 0) add(['transitions', i, 'triggers', j], 'lock_tests needs the workflow to declare test_globs or test_config');
    });
  });

  for (const [gate, checks] of Object.entries(gates)) {
    const names = Array.isArray(checks) ? checks : [];
    if (names.some((c) => c === 'tests_failing' || c === 'tests_passing') && !isRecord(wf.tests)) add(['gates', gate], 'checks on test runs need the workflow to declare tests.command');
    if (names.includes('tests_unchanged') && arrayAt(wf, 'test_globs').length === 0 && arrayAt(wf, 'test_config').length === 0) add(['gates', gate], 'tests_unchanged needs the workflow to declare test_globs or test_config');
  }

  // An unknown phase in a transition is already reported; reachability would only echo it.
  const start = initial ?? Object.keys(phases)[0];
  if (!danglingEdge && start !== undefined && start in phases) {
    for (const issue of checkTermination(start, Object.keys(phases), edges)) add(issue.path, issue.message);
  }
  return issues;
}

/** A task must be able to finish: some phase without outgoing transitions must be reachable. */
function checkTermination(start: string, phases: readonly string[], edges: readonly [string, string][]): PathIssue[] {
  const terminals = phases.filter((p) => !edges.some(([from]) => from === p));
  if (terminals.length === 0) return [{ path: ['transitions'], message: 'no terminal phase: every phase has an outgoing transition, so no task can complete' }];
  const reached = new Set([start]);
  for (let frontier = [start]; frontier.length > 0; ) {
    frontier = edges.filter(([from, to]) => frontier.includes(from) && !reached.has(to)).map(([, to]) => to);
    frontier.forEach((p) => reached.add(p));
  }
  if (terminals.some((p) => reached.has(p))) return [];
  return terminals.map((p) => ({ path: ['phases', p], message: `terminal phase "${p}" is not reachable from initial phase "${start}"` }));
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}
