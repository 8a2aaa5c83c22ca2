#!/usr/bin/env node
/** The `phasegate` executable: dispatches to one module per subcommand. The only place that prints. */
import { HelpRequested, UsageError } from './args.js';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  coordinator: { summary: 'run the coordinator', load: async () => (await import('./commands/coordinator.js')).run },
  sidecar: { summary: 'run one sidecar', load: async () => (await import('./commands/sidecar.js')).run },
  run: { summary: 'launch an agent behind a fresh sidecar', load: async () => (await import('./commands/run.js')).run },
  task: { summary: 'add, list or show tasks', load: async () => (await import('./commands/task.js')).run },
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
  return ['usage: phasegate <command> [flags]   (phasegate <command> --help)', '', ...rows].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`phasegate: unknown command "${name}" (phasegate --help)\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.usage + '\n');
      return 0;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`phasegate ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`phasegate ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
