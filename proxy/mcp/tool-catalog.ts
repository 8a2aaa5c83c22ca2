/**
 * phasegate's built-in tools (SPEC §5) as MCP tools: names and arguments exactly as on the
 * wire, a JSON Schema for each input, and the hints a client shows its user.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

type ToolDef = Omit<Tool, 'name'>;

const path = { type: 'string', description: 'Workspace-relative path, `/`-separated (no absolute paths, no `..` out of the workspace).' } as const;
const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

export const BUILT_IN_TOOLS: Readonly<Record<string, ToolDef>> = {
  read_file: {
    description: 'Read a UTF-8 text file of the workspace. Returns its content.',
    inputSchema: { type: 'object', properties: { path }, required: ['path'], additionalProperties: false },
    annotations: { title: 'Read file', ...readOnly },
  },
  write_file: {
    description: 'Create or replace a file of the workspace (parent folders are created). Which paths may be written depends on the phase.',
    inputSchema: {
      type: 'object',
      properties: { path, content: { type: 'string', description: 'The full new content (UTF-8).' } },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    annotations: { title: 'Write file', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  },
  edit_file: {
    description: 'Replace one exact occurrence of `old` with `new` in a workspace file (`old` must occur exactly once).',
    inputSchema: {
      type: 'object',
      properties: { path, old: { type: 'string', description: 'Text to replace; must occur exactly once.' }, new: { type: 'string', description: 'Replacement text.' } },
      required: ['path', 'old', 'new'],
      additionalProperties: false,
    },
    annotations: { title: 'Edit file', readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  },
  list_files: {
    description: 'List files of the workspace (sorted, relative), optionally under `path` and matching a glob `pattern`.',
    inputSchema: {
      type: 'object',
      properties: { path: { ...path, description: 'Folder to list (default: the workspace root).' }, pattern: { type: 'string', description: 'Glob, e.g. `src/**/*.ts`.' } },
      additionalProperties: false,
    },
    annotations: { title: 'List files', ...readOnly },
  },
  search: {
    description: 'Literal text search over workspace files. Returns `{path, line, text}` for each matching line.',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'Literal text to find (not a regular expression).' },
        path: { ...path, description: 'Folder to search (default: the workspace root).' },
        pattern: { type: 'string', description: 'Glob of files to search, e.g. `**/*.ts`.' },
      },
      required: ['query'],
      additionalProperties: false,
    },
    annotations: { title: 'Search', ...readOnly },
  },
  delete_file: {
    description: 'Delete a file of the workspace.',
    inputSchema: { type: 'object', properties: { path }, required: ['path'], additionalProperties: false },
    annotations: { title: 'Delete file', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  },
  run_command: {
    description:
      'Run a command in the workspace, without a shell: give `argv` (an array) or `command` (split with POSIX quoting; `; & | < > $ ( )`, backticks and newlines are refused). Only the commands the phase allows run.',
    inputSchema: {
      type: 'object',
      properties: {
        argv: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Program and arguments, e.g. ["git", "status"].' },
        command: { type: 'string', description: 'The same as one string, e.g. "git status".' },
        cwd: { ...path, description: 'Working folder inside the workspace (default: the root).' },
        timeout_ms: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'Time limit in milliseconds (default 120000).' },
      },
      additionalProperties: false,
    },
    annotations: { title: 'Run command', readOnlyHint: false, destructiveHint: true, openWorldHint: false },
  },
  run_tests: {
    description: "Run the workflow's test command. The result is recorded by phasegate as evidence for the gates (e.g. tests must fail in TDD, pass in IMPL).",
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    annotations: { title: 'Run tests', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  },
};

export const WORKFLOW_TOOLS = ['workflow_status', 'workflow_transition', 'workflow_describe'] as const;
export type WorkflowTool = (typeof WORKFLOW_TOOLS)[number];

export function isWorkflowTool(name: string): name is WorkflowTool {
  return (WORKFLOW_TOOLS as readonly string[]).includes(name);
}

/**
 * The MCP tool list for one phase: the built-in tools it allows, in catalog order, then the
 * three workflow tools. `targets` are the phases a transition may go to from here.
 */
export function toolsForPhase(allowed: readonly string[], targets: readonly string[], artifacts: Readonly<Record<string, object>> = {}): Tool[] {
  const tools: Tool[] = Object.entries(BUILT_IN_TOOLS)
    .filter(([name]) => allowed.includes(name))
    .map(([name, def]) => ({ name, ...def }));
  return [...tools, ...workflowTools(targets, artifacts)];
}

/** An artifact's JSON Schema as a property schema: the document-level keywords dropped. */
function propertySchema(schema: object): object {
  const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function workflowTools(targets: readonly string[], artifacts: Readonly<Record<string, object>>): Tool[] {
  const artifactProps = Object.fromEntries(Object.entries(artifacts).map(([name, schema]) => [name, propertySchema(schema)]));
  return [
    {
      name: 'workflow_status',
      description: 'Where the task stands: task, phase, status, and what each way out of this phase still needs.',
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
      annotations: { title: 'Workflow status', ...readOnly },
    },
    {
      name: 'workflow_transition',
      description:
        'Ask to move the task to another phase, with the artifacts that transition requires (see workflow_describe). Refused transitions list exactly what is missing.',
      inputSchema: {
        type: 'object',
        properties: {
          target_phase: {
            type: 'string',
            description: 'The phase to move to.',
            ...(targets.length > 0 && { enum: [...targets] }),
          },
          artifacts: {
            type: 'object',
            description: 'Artifact name → JSON object; which ones a transition requires: workflow_describe.',
            // The schemas of the artifacts this phase's ways out require, so a client can build valid ones.
            ...(Object.keys(artifactProps).length > 0 && { properties: artifactProps }),
            additionalProperties: { type: 'object' },
          },
        },
        required: ['target_phase'],
        additionalProperties: false,
      },
      annotations: { title: 'Workflow transition', readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    {
      name: 'workflow_describe',
      description: "The current phase's rules as text: what it is for, which tools and paths/commands it allows, and what each transition out requires.",
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
      annotations: { title: 'Workflow rules', ...readOnly },
    },
  ];
}
