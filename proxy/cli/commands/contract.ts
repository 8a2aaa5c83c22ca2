/** `phasegate contract check|explain`: validate a contract, or print it as agent instructions. */
import { ContractError, explainContract, formatIssue, loadContract } from '../../../core/contract/index.js';
import { agentToolName } from '../../wrapper/prompt.js';
import { parseFlags, UsageError } from '../args.js';

const USAGE = `usage: phasegate contract check [FILE]
       phasegate contract explain [FILE] [--workflow W] [--phase P] [--agent claude|codex]

  check     validate FILE (default ./agent_workflow.yaml); exit 0, or 1 with every
            error as FILE:LINE: message
  explain   print the contract as plain instructions for an agent (the prompt text);
            --agent names the tools as that agent sees them (mcp__phasegate__read_file…)`;

const DEFAULT_FILE = 'agent_workflow.yaml';

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') return check(rest);
  if (sub === 'explain') return explain(rest);
  parseFlags(argv, {}, USAGE); // --help prints the usage
  throw new UsageError(sub === undefined ? 'missing subcommand: check or explain' : `unknown subcommand "${sub}": check or explain`);
}

async function check(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, {}, USAGE);
  const file = singleFile(positionals);
  try {
    const contract = loadContract(file);
    process.stdout.write(`ok ${file} (sha256 ${contract.sha256})\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    process.stdout.write(err.issues.map((i) => formatIssue(i) + '\n').join(''));
    return 1;
  }
}

async function explain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { workflow: { type: 'string' }, phase: { type: 'string' }, agent: { type: 'string' } }, USAGE);
  const agent = values.agent;
  if (agent !== undefined && agent !== 'claude' && agent !== 'codex') throw new UsageError(`--agent must be claude or codex, got "${agent}"`);
  const file = singleFile(positionals);
  let contract;
  try {
    contract = loadContract(file);
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    process.stderr.write(err.issues.map((i) => formatIssue(i) + '\n').join(''));
    return 1;
  }
  try {
    process.stdout.write(explainContract(contract, { workflow: values.workflow, phase: values.phase, toolName: (tool) => agentToolName(agent, tool) }));
  } catch (err) {
    // An unknown --workflow or --phase is a bad flag value.
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  return 0;
}

function singleFile(positionals: string[]): string {
  if (positionals.length > 1) throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
  return positionals[0] ?? DEFAULT_FILE;
}
