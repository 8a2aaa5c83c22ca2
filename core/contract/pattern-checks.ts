import micromatch from 'micromatch';
import { parseCommandPattern } from '../policy/command-pattern.js';
import { splitCommand } from '../policy/shell-words.js';
import { arrayAt, recordAt, stringAt, stringItems } from './doc-access.js';
import { formatPath, type DocPath, type PathIssue } from './yaml-source.js';

/** Expands, in a constraint's `paths` or `deny`, to the workflow's `test_globs`. */
export const TEST_GLOBS_PLACEHOLDER = '@test_globs';
/** Expands, in a constraint's `paths` or `deny`, to the workflow's `test_config`. */
export const TEST_CONFIG_PLACEHOLDER = '@test_config';

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;
const KNOWN_TEMPLATES = new Set(['task.id', 'agent.id']);

/** Checks every glob, command pattern and the test command are well-formed. */
export function checkPatterns(doc: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const add = (path: DocPath, message: string) => issues.push({ path, message: `${formatPath(path)}: ${message}` });
  const globs = (path: DocPath, list: readonly unknown[], where: GlobPlace) => {
    for (const [glob, i] of stringItems(list)) {
      const problem = globProblem(glob, where);
      if (problem !== undefined) add([...path, i], problem);
    }
  };

  globs(['protected'], arrayAt(doc, 'protected'), 'fixed');
  for (const [name, wf] of Object.entries(recordAt(doc, 'workflows'))) {
    const base = ['workflows', name];
    const hasTestGlobs = arrayAt(wf, 'test_globs').length > 0;
    const hasTestConfig = arrayAt(wf, 'test_config').length > 0;
    globs([...base, 'test_globs'], arrayAt(wf, 'test_globs'), 'fixed');
    globs([...base, 'test_config'], arrayAt(wf, 'test_config'), 'fixed');

    const command = stringAt(recordAt(wf, 'tests'), 'command');
    if (command !== undefined) {
      const split = splitCommand(command);
      if (!split.ok) add([...base, 'tests', 'command'], `test command contains a shell operator (${split.operator}); it runs without a shell`);
      else if (split.argv.length === 0) add([...base, 'tests', 'command'], 'test command is empty');
    }

    for (const [phase, body] of Object.entries(recordAt(wf, 'phases'))) {
      for (const [tool, constraint] of Object.entries(recordAt(body, 'constraints'))) {
        const at = [...base, 'phases', phase, 'constraints', tool];
        for (const key of ['paths', 'deny'] as const) {
          for (const [glob, i] of stringItems(arrayAt(constraint, key))) {
            const problem =
              glob === TEST_GLOBS_PLACEHOLDER && !hasTestGlobs
                ? `${TEST_GLOBS_PLACEHOLDER} used but workflow "${name}" declares no test_globs`
                : glob === TEST_CONFIG_PLACEHOLDER && !hasTestConfig
                  ? `${TEST_CONFIG_PLACEHOLDER} used but workflow "${name}" declares no test_config`
                  : globProblem(glob, 'constraint');
            if (problem !== undefined) add([...at, key, i], problem);
          }
        }
        for (const [pattern, i] of stringItems(arrayAt(constraint, 'commands'))) {
          try {
            parseCommandPattern(pattern);
          } catch (err) {
            add([...at, 'commands', i], `malformed command pattern: ${(err as Error).message}`);
          }
        }
      }
    }
  }
  return issues;
}

/** `fixed` globs (protected, test_globs, test_config) are not bound per task: no templates there. */
type GlobPlace = 'fixed' | 'constraint';

function globProblem(glob: string, where: GlobPlace): string | undefined {
  if (glob.startsWith('@')) {
    const known = glob === TEST_GLOBS_PLACEHOLDER || glob === TEST_CONFIG_PLACEHOLDER;
    return known && where === 'constraint' ? undefined : `unknown placeholder "${glob}"`;
  }
  for (const [, name] of glob.matchAll(TEMPLATE)) {
    if (where === 'fixed') return `templates such as {{ ${name} }} are only allowed in phase constraints`;
    if (!KNOWN_TEMPLATES.has(name ?? '')) return `unknown template "{{ ${name} }}" (known: {{ task.id }}, {{ agent.id }})`;
  }
  const sample = glob.replace(TEMPLATE, 'x');
  // Globs are matched against normalized workspace-relative paths: an absolute or `..`
  // glob can never match, so it would silently allow or deny nothing.
  if (/^([/\\]|[A-Za-z]:)/.test(sample)) return `glob must be relative to the workspace: ${glob}`;
  if (sample.split('/').includes('..')) return `glob must not contain "..": ${glob}`;
  try {
    // strictBrackets: an unbalanced `{`, `[` or `(` otherwise compiles to a regex that
    // matches nothing, and a deny list that matches nothing denies nothing.
    const re = micromatch.makeRe(sample, { dot: true, strictBrackets: true });
    if (re.source === '$^') return `malformed glob (matches nothing): ${glob}`;
  } catch (err) {
    return `malformed glob: ${(err as Error).message}`;
  }
  return undefined;
}
