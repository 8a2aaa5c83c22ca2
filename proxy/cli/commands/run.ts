import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageRoot } from '../../../core/contract/index.js';
import { splitCommand } from '../../../core/policy/index.js';
import { createLogger } from '../../../core/log.js';
import { createProgressLogger, resolveWorkspace, runAgent } from '../../wrapper/index.js';
import { AGENT_NAMES, agentPreset, type AgentName } from '../../wrapper/presets/index.js';
import { parseFlags, UsageError } from '../args.js';
import { colourWanted, paint } from '../colour.js';

const usage = `usage: phasegate run [--agent claude|codex] [--sandbox on|off] [--coordinator URL] [--agent-id ID] [--workspace DIR] [--task ID]
                     [--capability C]… [--title T [--description D] [--criteria C]…] [--contract FILE] [--audit DIR]
                     [--reviewer CMD] [--approvals prompt|print] [-- CMD ARGS…]

Starts a sidecar for one agent (and, without --coordinator, an embedded coordinator on LMDB
in the workspace's state dir), claims a task, writes the prompt file, runs CMD with
PHASEGATE_URL, PHASEGATE_AGENT_KEY, PHASEGATE_PHASE_TOKEN, PHASEGATE_PROMPT_FILE … and exits
with CMD's exit code. --title creates the task first (embedded coordinator only).
--agent claude|codex wires a real coding agent through MCP: CMD (default \`claude\` / \`codex\`)
gets an MCP server "phasegate" (\`phasegate mcp\`), settings that disable its own file and shell
tools, and the workflow as its system prompt (docs/agents.md).
The state dir is PHASEGATE_STATE_DIR, else $XDG_STATE_HOME/phasegate/<id>, else
~/.local/state/phasegate/<id> (never inside the workspace): the embedded coordinator's store
and keys (coordinator/admin.key for \`phasegate task\`), and the default audit log (audit/).
--audit sets the sidecar's audit log directory instead (one sidecar per directory, so agents
sharing a workspace each need their own).
With --coordinator, PHASEGATE_SIDECAR_KEY (and PHASEGATE_JWT_SECRET in HS256 mode) must be set.
--sandbox (default on, or PHASEGATE_SANDBOX): CMD runs with the workspace read-only and commands
in the command sandbox (docs/security.md); where none can be made, run refuses to start.
--sandbox off runs both unconfined, with a warning and a note in the audit log.
When CMD exits (or cannot start) the claim is released, unless the task finished or waits
for an approval.

Embedded coordinator only (no --coordinator), so the default workflow can finish on its own:
  --reviewer CMD        runs each spawned review task: CMD (one string, split like a shell
                        would, no operators) behind a second sidecar as <agent-id>-reviewer-N;
                        with --agent the default is another instance of that agent
  --approvals MODE      prompt: show each pending approval here (task, plan, reviews,
                        completion, files changed) and ask approve / reject; print: only print
                        the coordinator URL and the admin key file, for \`phasegate approve\`
                        from another shell. Default: prompt on a terminal (print with --agent,
                        whose agent owns the terminal), else print.`;

export async function run(argv: string[]): Promise<number> {
  const split = argv.indexOf('--');
  const flagArgs = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? [] : argv.slice(split + 1);
  const { values } = parseFlags(
    flagArgs,
    {
      coordinator: { type: 'string' },
      'agent-id': { type: 'string' },
      workspace: { type: 'string' },
      task: { type: 'string' },
      capability: { type: 'string', multiple: true },
      title: { type: 'string' },
      description: { type: 'string' },
      criteria: { type: 'string', multiple: true },
      contract: { type: 'string' },
      audit: { type: 'string' },
      reviewer: { type: 'string' },
      approvals: { type: 'string' },
      agent: { type: 'string' },
      sandbox: { type: 'string' },
    },
    usage,
    false,
  );
  if (values.sandbox !== undefined && values.sandbox !== 'on' && values.sandbox !== 'off') throw new UsageError(`--sandbox must be on or off, got ${values.sandbox}`);
  const agent = values.agent;
  if (agent !== undefined && !isAgentName(agent)) throw new UsageError(`--agent must be one of ${AGENT_NAMES.join(', ')}, got "${agent}"`);
  if (command.length === 0) {
    if (agent === undefined) throw new UsageError('missing "-- CMD ARGS…" (or --agent claude|codex)');
    command.push(agentPreset(agent).defaultCommand);
  }
  const workspace = resolve(values.workspace ?? '.');
  // Refused before anything (state dir, store, keys) is created anywhere.
  await resolveWorkspace(workspace).catch((err: Error) => {
    throw new UsageError(`--workspace: ${err.message}`);
  });
  const contractFile = resolve(values.contract ?? defaultContract(workspace));
  let coordinator;
  if (values.coordinator !== undefined) {
    if (values.title !== undefined) throw new UsageError('--title needs the embedded coordinator (drop --coordinator, or use `phasegate task add`)');
    const sidecarKey = process.env.PHASEGATE_SIDECAR_KEY;
    if (!sidecarKey) throw new UsageError('PHASEGATE_SIDECAR_KEY must be set with --coordinator');
    const jwtSecret = process.env.PHASEGATE_JWT_SECRET ?? process.env.ORCHESTRATOR_JWT_SECRET;
    coordinator = { url: values.coordinator, sidecarKey, ...(jwtSecret !== undefined && { jwtSecret }) };
    if (values.reviewer !== undefined) throw new UsageError('--reviewer needs the embedded coordinator (with --coordinator, run reviewers with their own `phasegate run --task ID`)');
  }
  // With --agent, another instance of the same agent reviews (SPEC §13), unless --reviewer says otherwise.
  const reviewer = values.reviewer !== undefined ? reviewerCommand(values.reviewer) : agent !== undefined && coordinator === undefined ? [...command] : undefined;
  if (values.approvals !== undefined && values.approvals !== 'prompt' && values.approvals !== 'print') throw new UsageError(`--approvals must be prompt or print, got ${values.approvals}`);
  // A prompt needs someone at a terminal, and one the agent does not own (an interactive
  // --agent reads that terminal itself); otherwise print how to decide from another shell.
  const approvals = (values.approvals as 'prompt' | 'print' | undefined) ?? (process.stdin.isTTY && process.stderr.isTTY && agent === undefined ? 'prompt' : 'print');
  // Lines arrive escaped (terminal-text); colour only marks phasegate's own prefix and refusals.
  const colour = colourWanted(process.stderr);
  const report = (line: string) =>
    process.stderr.write(`${paint(colour, 'cyan', 'phasegate:')} ${/^(\S+: )?denied /.test(line) ? paint(colour, 'yellow', line) : line}\n`);
  return runAgent({
    command,
    ...(agent !== undefined && { agent }),
    workspace,
    contractFile,
    ...(values['agent-id'] !== undefined && { agentId: values['agent-id'] }),
    ...(coordinator !== undefined && { coordinator }),
    ...(values.task !== undefined && { taskId: values.task }),
    ...(values.audit !== undefined && { auditDir: resolve(values.audit) }),
    ...(values.sandbox !== undefined && { sandbox: values.sandbox }),
    ...(values.capability !== undefined && { capabilities: values.capability }),
    ...(reviewer !== undefined && { reviewer }),
    approvals,
    ...(values.title !== undefined && {
      newTask: { title: values.title, ...(values.description !== undefined && { description: values.description }), criteria: values.criteria ?? [] },
    }),
    // Readable progress lines by default; the JSON logs behind them when debugging.
    logger: /^(debug|trace)$/.test(process.env.PHASEGATE_LOG_LEVEL ?? '') ? createLogger('phasegate-run') : createProgressLogger(report),
    report,
  });
}

function isAgentName(name: string): name is AgentName {
  return (AGENT_NAMES as readonly string[]).includes(name);
}

/** The workspace's own contract if it has one, else the default shipped with phasegate. */
function defaultContract(workspace: string): string {
  const own = resolve(workspace, 'agent_workflow.yaml');
  return existsSync(own) ? own : resolve(packageRoot(), 'agent_workflow.yaml');
}

function reviewerCommand(text: string): string[] {
  const split = splitCommand(text);
  if (!split.ok) throw new UsageError(`--reviewer: "${split.operator}" is a shell operator; give one command (no ; & | < > \` $ ( ))`);
  if (split.argv.length === 0) throw new UsageError('--reviewer: empty command');
  return split.argv;
}
