/** `phasegate coordinator`: runs the coordinator until SIGTERM/SIGINT, then shuts down gracefully. */
import { startCoordinator } from '../../../core/coordinator/http/index.js';
import { parseFlags, portFlag } from '../args.js';

const USAGE = `usage: phasegate coordinator [--data DIR] [--host H] [--port P] [--contract FILE]

Runs the coordinator (task state, transitions, approvals, events) over HTTP.
  --data DIR       data dir: LMDB store, keys, config.yaml (default .phasegate/)
  --host H         interface to bind (default 127.0.0.1; use 0.0.0.0 only behind TLS)
  --port P         port (default 8000; 0 picks a free one)
  --contract FILE  the workflow contract (default ./agent_workflow.yaml)
Prints the URL as the first stdout line; keys are generated into the data dir unless
PHASEGATE_ADMIN_KEY / PHASEGATE_SIDECAR_KEY / PHASEGATE_AUDITOR_KEY are set.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { data: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, contract: { type: 'string' } },
    USAGE,
    false,
  );
  const coordinator = await startCoordinator({
    dataDir: values.data ?? '.phasegate',
    contractFile: values.contract ?? 'agent_workflow.yaml',
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.port === undefined ? {} : { port: portFlag(values.port, 8000) }),
  });
  process.stdout.write(coordinator.url + '\n');
  process.stderr.write(`coordinator listening on ${coordinator.url}\n`);
  process.stderr.write(`dashboard:   ${coordinator.url}/ui (sign in with the admin or auditor key)\n`);
  const { admin, sidecar, auditor, signing } = coordinator.keyFiles;
  process.stderr.write(`admin key:   ${admin ?? 'from PHASEGATE_ADMIN_KEY'}\n`);
  process.stderr.write(`sidecar key: ${sidecar ?? 'from PHASEGATE_SIDECAR_KEY'}\n`);
  process.stderr.write(`auditor key: ${auditor ?? 'from PHASEGATE_AUDITOR_KEY'} (read-only)\n`);
  process.stderr.write(`signing key: ${signing ?? 'HS256 secret from PHASEGATE_JWT_SECRET'}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  process.stderr.write(`coordinator: ${signal}, shutting down\n`);
  await coordinator.close();
  return 0;
}
