/**
 * Contract globs → one RegExp per list, compiled once per bound policy (never per call).
 * Templates `{{ task.id }}` / `{{ agent.id }}` are expanded first.
 */
import micromatch from 'micromatch';

export interface TemplateValues {
  readonly taskId: string;
  readonly agentId: string;
}

const TEMPLATE = /\{\{\s*(task\.id|agent\.id)\s*\}\}/g;
/** ASCII punctuation except `/`: every glob metacharacter micromatch knows, and then some. */
const PUNCTUATION = /[!-.:-@[-`{-~\s]/g;

/**
 * Escapes an id so it is one literal path segment of the glob. Attack stopped: an agent
 * id like `*` or `{a,b}` (or a task id crafted upstream) turning `work/{{ agent.id }}/**`
 * into `work/*\/**` and so opening every other agent's folder.
 */
function escapeGlobLiteral(value: string): string {
  return value.replace(PUNCTUATION, '\\$&');
}

function expandTemplates(glob: string, values: TemplateValues): string {
  return glob.replace(TEMPLATE, (_m, key: string) =>
    escapeGlobLiteral(key === 'task.id' ? values.taskId : values.agentId),
  );
}

/**
 * Compiles globs (micromatch, `dot: true`) into one anchored alternation, or undefined for
 * an empty list. `nocase` is for deny-type lists only: denying more is the safe side of a
 * case-insensitive file system (`.GIT/hooks/x` is `.git/hooks/x` on macOS).
 */
export function compileGlobs(globs: readonly string[], values: TemplateValues, nocase: boolean): RegExp | undefined {
  if (globs.length === 0) return undefined;
  const sources = globs.map((g) => `(?:${micromatch.makeRe(expandTemplates(g, values), { dot: true, nocase }).source})`);
  return new RegExp(sources.join('|'), nocase ? 'i' : '');
}
