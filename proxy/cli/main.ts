#!/usr/bin/env node
/** The `phasegate` executable: dispatches to one module per subcommand. The only place that prints. */
import { readFileSync } from 'node:fs';
import { packageRoot } from '../../core/contract/index.js';
import { setLogDestination } from '../../core/log.js';
import { HelpRequested, UsageError } from './args.js';
import { colourWanted } from './colour.js';
import { prettyDestination } from './log-pretty.js';
import { terminalText } from './terminal-text.js';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  coordinator: { summary: 'run the coordinator', load: async () => (await import('./commands/coordinator.js')).run },
  sidecar: { summary: 'run one sidecar', load: async () => (await import('./commands/sidecar.js')).run },
  run: { summary: 'launch an agent behind a fresh sidecar', load: async () => (await import('./commands/run.js')).run },
  task: { summary: 'add, list, show, release or cancel tasks', load: async () => (await import('./commands/task.js')).run },
  approvals: { summary: 'list pending approvals, or show one with what it approves', load: async () => (await import('./commands/approvals.js')).run },
  approve: { summary: 'approve a pending approval', load: async () => (await import('./commands/approve.js')).runApprove },
  reject: { summary: 'reject a pending approval', load: async () => (await import('./commands/approve.js')).runReject },
  contract: { summary: 'check or explain a contract', load: async () => (await import('./commands/contract.js')).run },
  audit: { summary: 'verify or query an audit log', load: async () => (await import('./commands/audit.js')).run },
  mcp: { summary: 'MCP server on stdio for a coding agent (Claude Code, Codex…)', load: async () => (await import('./commands/mcp.js')).run },
  hook: { summary: "Claude Code's PreToolUse hook (hook claude)", load: async () => (await import('./commands/hook.js')).run },
  demo: { summary: 'walk one task PLAN → COMPLETE on the embedded default', load: async () => (await import('./commands/demo.js')).run },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return [
    'usage: phasegate <command> [flags]   (phasegate <command> --help)',
    '       phasegate --version',
    '',
    ...rows,
    '',
    'Every command: --log-format json|text (default: text on a terminal, JSON otherwise). NO_COLOR disables colours.',
  ].join('\n');
}

/** Each line escaped; continuation lines indented, so no line of a message can pass for phasegate's own. */
function errorText(message: string): string {
  return message.split('\n').map(terminalText).join('\n  ');
}

function version(): string {
  return (JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string }).version;
}

/**
 * `--log-format json|text` anywhere on the command line (or PHASEGATE_LOG_FORMAT): JSON lines
 * for machines, readable lines for people. Default: readable on a terminal, JSON otherwise.
 */
function takeLogFormat(argv: string[]): string[] | string {
  const out: string[] = [];
  let format = process.env.PHASEGATE_LOG_FORMAT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === '--log-format') format = argv[++i] ?? '';
    else if (arg.startsWith('--log-format=')) format = arg.slice('--log-format='.length);
    else out.push(arg);
  }
  if (format !== undefined && format !== 'json' && format !== 'text') return `--log-format must be json or text, got "${terminalText(format)}"`;
  if (format === 'text' || (format === undefined && process.stderr.isTTY === true)) {
    const colour = colourWanted(process.stderr);
    setLogDestination(() => prettyDestination({ colour }));
  }
  return out;
}

async function main(all: string[]): Promise<number> {
  const argv = takeLogFormat(all);
  if (typeof argv === 'string') {
    process.stderr.write(`phasegate: ${argv}\n`);
    return 2;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`phasegate ${version()}\n`);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`phasegate: unknown command "${terminalText(name)}" (phasegate --help)\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.usage + '\n');
      return 0;
    }
    // Messages can carry what an agent wrote (a task title, a path, a coordinator's echo): escaped.
    if (err instanceof UsageError) {
      process.stderr.write(`phasegate ${name}: ${errorText(err.message)}\n`);
      return 2;
    }
    process.stderr.write(`phasegate ${name}: ${errorText((err as Error).message)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
