/** Per-tool facts of one bound phase, precomputed so `decide` only looks them up. */
import type { CommandPattern, CompiledPhase } from '../contract/types.js';
import { deny } from './decisions.js';
import { compileGlobs, type TemplateValues } from './glob-compile.js';
import { TOOL_SPECS, type ToolSpec } from './tool-args.js';
import type { Decision } from './types.js';

export interface BoundTool {
  readonly spec: ToolSpec;
  /** tool_forbidden / tool_not_allowed from the phase, or undefined when the phase allows it. */
  readonly phaseDenial: Decision | undefined;
  /** tool_not_allowed for a token whose allowed_tools lack the tool. */
  readonly tokenDenial: Decision;
  readonly invalid: Decision;
  /** The `paths` allow-list; undefined when the phase sets none (everything allowed). */
  readonly allow: RegExp | undefined;
  readonly deny: RegExp | undefined;
  readonly commands: readonly CommandPattern[] | undefined;
  /** What the phase allows, for refusal messages (`— allowed: …`): an agent should learn the legal move. */
  readonly allowedPaths: string;
  readonly allowedCommands: string;
}

/** At most `max` items, then how many more: a message stays one readable line. */
function listed(items: readonly string[], max = 8): string {
  if (items.length === 0) return 'none';
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … (${items.length - max} more)`;
}

/** A RegExp that matches nothing: an explicit empty `paths: []` allows no path. */
const NOTHING = /(?!)/;

export function bindTools(phase: CompiledPhase, values: TemplateValues): ReadonlyMap<string, BoundTool> {
  const tools = new Map<string, BoundTool>();
  for (const [name, spec] of TOOL_SPECS) {
    const c = phase.constraints.get(name);
    let phaseDenial: Decision | undefined;
    const allowedTools = `allowed in ${phase.name}: ${listed([...phase.allowed].filter((t) => !phase.forbidden.has(t)).sort(), 12)}`;
    if (phase.forbidden.has(name)) phaseDenial = deny('tool_forbidden', `${name} is forbidden in phase ${phase.name} — ${allowedTools}`);
    else if (!phase.allowed.has(name)) phaseDenial = deny('tool_not_allowed', `${name} is not allowed in phase ${phase.name} — ${allowedTools}`);
    tools.set(name, {
      spec,
      phaseDenial,
      tokenDenial: deny('tool_not_allowed', `${name} is not in the token's allowed_tools`),
      invalid: deny('invalid_params', `invalid arguments for ${name}`),
      allow: c?.paths === undefined ? undefined : (compileGlobs(c.paths, values, false) ?? NOTHING),
      deny: c === undefined ? undefined : compileGlobs(c.deny, values, true),
      commands: c?.commands,
      allowedPaths: listed(c?.paths ?? []),
      allowedCommands: listed((c?.commands ?? []).map((p) => p.source)),
    });
  }
  return tools;
}
