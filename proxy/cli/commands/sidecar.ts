/** `phasegate sidecar`: runs one sidecar until SIGTERM/SIGINT; the agent URL is the first stdout line. */
import { readFile } from 'node:fs/promises';
import { startSidecar } from '../../sidecar/index.js';
import { parseFlags, portFlag, UsageError } from '../args.js';

const USAGE = `usage: phasegate sidecar --coordinator URL --agent-id ID --workspace DIR [--port P] [--audit DIR] [--sidecar-key-file FILE] [--capability C]…

Serves one agent at ws://127.0.0.1:PORT/agent (and HTTP on the same port) and prints that URL
as the first line of stdout. --port 0 (the default) picks a free port. The audit log goes to
--audit DIR (never inside the workspace), else to audit/ in the workspace's state dir.
--capability grants the agent a capability (e.g. review); an agent's task.claim can never add one.

environment:
  PHASEGATE_AGENT_KEY    the key the agent must present (required: no key, no sidecar)
  PHASEGATE_SIDECAR_KEY  the key presented to the coordinator (or --sidecar-key-file FILE,
                         e.g. the coordinator's DATA/sidecar.key)
  PHASEGATE_JWT_SECRET   set when the coordinator signs HS256; unset means EdDSA via its JWKS
  PHASEGATE_ENFORCEMENT  strict (default) or permissive
  PHASEGATE_STATE_DIR    where the default audit log goes (else $XDG_STATE_HOME/phasegate/<id>)
  PHASEGATE_MAX_COMMANDS, PHASEGATE_MAX_BODY_MEMORY, PHASEGATE_MAX_CONNECTIONS
                         limits across all connections (default 4, 32 MiB, 128)`;

async function sidecarKey(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new UsageError(`--sidecar-key-file: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}: ${file}`);
    }
  }
  const key = process.env.PHASEGATE_SIDECAR_KEY;
  if (key === undefined || key === '') throw new UsageError('PHASEGATE_SIDECAR_KEY is not set (or pass --sidecar-key-file)');
  return key;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      coordinator: { type: 'string' },
      'agent-id': { type: 'string' },
      workspace: { type: 'string' },
      port: { type: 'string' },
      audit: { type: 'string' },
      'sidecar-key-file': { type: 'string' },
      capability: { type: 'string', multiple: true },
    },
    USAGE,
    false,
  );
  const need = (name: 'coordinator' | 'agent-id' | 'workspace'): string => {
    const v = values[name];
    if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
    return v;
  };
  const coordinatorUrl = need('coordinator');
  const agentId = need('agent-id');
  const workspace = need('workspace');
  const port = portFlag(values.port, 0);
  const agentKey = process.env.PHASEGATE_AGENT_KEY;
  // SPEC §3: a sidecar without an agent key would serve anyone on the machine; refuse to start.
  if (agentKey === undefined || agentKey === '') throw new UsageError('PHASEGATE_AGENT_KEY is not set: a sidecar refuses to start without an agent key');

  const sidecar = await startSidecar({
    coordinatorUrl,
    agentId,
    workspace,
    port,
    agentKey,
    sidecarKey: await sidecarKey(values['sidecar-key-file']),
    ...(values.audit === undefined ? {} : { auditDir: values.audit }),
    ...(values.capability === undefined ? {} : { capabilities: values.capability }),
  });
  process.stdout.write(`${sidecar.url}\n`);
  process.stderr.write(`phasegate sidecar: agent ${agentId}, workspace ${workspace}, HTTP ${sidecar.httpUrl}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await sidecar.close();
  return 0;
}
