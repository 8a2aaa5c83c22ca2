/** `startSidecar()`: fetch the contract and keys from the coordinator, open workspace and audit log, listen. */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseContract, type CompiledContract, type EnforcementMode } from '../../core/contract/index.js';
import { createLogger } from '../../core/log.js';
import { ClaimsCache, createVerifier, resolveTokenMode, type TokenVerifier } from '../../core/tokens/index.js';
import { openAuditLog } from '../audit/index.js';
import { createCommandSandbox, sandboxModeFrom } from '../sandbox/index.js';
import { assertAuditDirOutside, openStateDir } from '../wrapper/state-dir.js';
import { createWorkspace } from '../tools/index.js';
import { createAgentServer } from './agent-server.js';
import { appendQuietly, sessionEntry } from './audit-entries.js';
import { claimTask } from './claim.js';
import type { SidecarContext } from './context.js';
import { createCoordinatorClient, type CoordinatorClient } from './coordinator-client.js';
import { followCoordinatorEvents } from './coordinator-events.js';
import { createDenialReporter } from './denial-report.js';
import { createForwarder } from './http-forward.js';
import { startHeartbeats } from './lease.js';
import { BodyBudget } from './body-budget.js';
import { CommandSlots } from './command-slots.js';
import { contractPathsIn } from './contract-paths.js';
import { PhaseFence } from './fence.js';
import { resolveLimits } from './limits.js';
import { createMethods } from './methods.js';
import { releaseHeldTask } from './release.js';
import { rpcNotification } from './rpc.js';
import { Session } from './session.js';
import type { NotificationListener, Sidecar, SidecarOptions } from './types.js';

/** Below this an agent key is guessable by anything else running on the machine. */
const MIN_AGENT_KEY_CHARS = 16;

function enforcementFrom(env: NodeJS.ProcessEnv): EnforcementMode | undefined {
  const v = env.PHASEGATE_ENFORCEMENT;
  if (v === undefined || v === '') return undefined;
  if (v !== 'strict' && v !== 'permissive') throw new TypeError(`PHASEGATE_ENFORCEMENT must be strict or permissive, got ${JSON.stringify(v)}`);
  return v;
}

/** The contract the coordinator enforces, re-validated here and pinned to the coordinator's hash. */
async function fetchContract(client: CoordinatorClient): Promise<{ contract: CompiledContract; file: string | undefined }> {
  const { contract: doc, sha256, file } = await client.contract();
  const compiled = parseContract(JSON.stringify(doc), 'coordinator:contract');
  if (compiled.sha256 !== sha256) throw new Error(`contract hash mismatch: coordinator says ${sha256}, document hashes to ${compiled.sha256}`);
  return { contract: compiled, file: typeof file === 'string' ? file : undefined };
}

async function buildVerifier(client: CoordinatorClient, env: NodeJS.ProcessEnv, now: () => number): Promise<TokenVerifier> {
  const mode = resolveTokenMode(env);
  if (mode.alg === 'HS256') return createVerifier({ alg: 'HS256', secret: mode.secret }, { now });
  return createVerifier({ alg: 'EdDSA', jwks: await client.jwks() }, { now });
}

/** Starts one sidecar. Refuses (throws) without an agent key, with a bad option, or if the coordinator cannot be read. */
export async function startSidecar(opts: SidecarOptions): Promise<Sidecar> {
  // SPEC §3: without an agent key anything on the machine could drive the workspace.
  if (typeof opts.agentKey !== 'string' || opts.agentKey.length < MIN_AGENT_KEY_CHARS) {
    throw new TypeError(`"agentKey" (PHASEGATE_AGENT_KEY) is required, at least ${MIN_AGENT_KEY_CHARS} characters`);
  }
  if (typeof opts.agentId !== 'string' || opts.agentId === '') throw new TypeError('"agentId" must be a non-empty string');
  if (opts.host !== undefined && opts.host !== '127.0.0.1') throw new TypeError('"host" must be 127.0.0.1');
  if (opts.capabilities !== undefined && !(Array.isArray(opts.capabilities) && opts.capabilities.every((c) => typeof c === 'string' && c !== ''))) {
    throw new TypeError('"capabilities" must be an array of non-empty strings');
  }
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? createLogger('sidecar');
  const mode = enforcementFrom(env);
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const checkpointMs = opts.checkpointMs ?? 30_000;
  const maxInFlight = opts.maxInFlight ?? 32;
  const limits = resolveLimits(opts.limits, env);
  const coordinator = createCoordinatorClient({ baseUrl: opts.coordinatorUrl, sidecarKey: opts.sidecarKey });

  const { contract, file: coordinatorContractFile } = await fetchContract(coordinator);
  const verifier = await buildVerifier(coordinator, env, now);
  const sandboxMode = sandboxModeFrom(opts.sandbox, env);
  const sandbox = sandboxMode === 'off' ? undefined : createCommandSandbox({ home: env.HOME ?? process.env.HOME, ...opts.sandboxOptions, logger });
  if (sandbox === undefined) logger.warn({ event: 'sandbox_off' }, 'sandbox off: commands run unconfined on this host');
  // Probed now, in the background: the first command should not pay for it.
  else void sandbox.available().then((ok) => ok !== true && logger.error({ event: 'sandbox_unavailable', reason: ok }, 'sandbox_unavailable'));
  const workspace = await createWorkspace(opts.workspace, { logger, ...(sandbox === undefined ? {} : { sandbox }) });
  const contractPaths = await contractPathsIn(workspace.root, [opts.contractFile, coordinatorContractFile]);
  // Default outside the workspace (SPEC §9): inside, the agent's code could rewrite its own log.
  const auditDir = opts.auditDir ?? (await openStateDir(workspace.root, env)).auditDir;
  await assertAuditDirOutside(auditDir, workspace.root);
  const denials = createDenialReporter({ send: (batch) => coordinator.denials(batch), logger });
  const audit = denials.observe(await openAuditLog({ dir: resolve(auditDir), now, logger }));

  const listeners = new Set<NotificationListener>();
  let broadcast = (_text: string): void => undefined;
  const prefix = randomBytes(4).toString('hex');
  let calls = 0;
  let lastCheckpointSeq = -1;
  const ctx: SidecarContext = {
    agentId: opts.agentId,
    capabilities: [...new Set(opts.capabilities ?? [])],
    contract,
    session: new Session(contract, opts.agentId, mode, contractPaths),
    coordinator,
    audit,
    workspace,
    verifier,
    cache: new ClaimsCache(),
    logger,
    commands: new CommandSlots(limits.maxCommands),
    bodies: new BodyBudget(limits.maxBodyBytes),
    fence: new PhaseFence(),
    now,
    notify(n) {
      broadcast(rpcNotification(n.method, n.params));
      for (const fn of listeners) fn(n.method, n.params);
    },
    nextCallId: () => `${prefix}-${++calls}`,
    async checkpoint() {
      const head = audit.head();
      if (head.seq === lastCheckpointSeq) return;
      try {
        await coordinator.checkpoint({ agent_id: opts.agentId, task_id: ctx.session.assignment?.taskId ?? null, seq: head.seq, hash: head.hash });
        lastCheckpointSeq = Math.max(lastCheckpointSeq, head.seq);
      } catch (err) {
        logger.warn({ event: 'checkpoint_failed', err: (err as Error).message }, 'checkpoint_failed');
      }
    },
  };

  const methods = createMethods(ctx);
  const forwarder = createForwarder(ctx, { coordinatorUrl: coordinator.baseUrl, sidecarKey: opts.sidecarKey });
  const agents = createAgentServer({ agentKey: opts.agentKey, methods, forwarder, logger, maxInFlight, maxConnections: limits.maxConnections, bodies: ctx.bodies });
  broadcast = (text) => {
    for (const ws of agents.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  await new Promise<void>((ok, fail) => {
    agents.server.once('error', fail);
    agents.server.listen(opts.port ?? 0, '127.0.0.1', () => (agents.server.off('error', fail), ok()));
  });
  const address = agents.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await appendQuietly(ctx, sessionEntry(ctx, 'sidecar_started', { coordinator: coordinator.baseUrl, contract: contract.sha256, sandbox: sandboxMode }));

  // Start at the coordinator's head: replaying the whole history on every start grows with it.
  const { head } = await coordinator.events(0, 1);
  const follower = followCoordinatorEvents(ctx, { coordinatorUrl: coordinator.baseUrl, sidecarKey: opts.sidecarKey, since: head });
  const stopHeartbeats = startHeartbeats(ctx, heartbeatMs);
  const checkpointTimer = setInterval(() => void ctx.checkpoint(), checkpointMs);
  checkpointTimer.unref();
  logger.info({ event: 'sidecar_listening', port, agent_id: opts.agentId, workspace: workspace.root }, 'sidecar_listening');

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    clearInterval(checkpointTimer);
    stopHeartbeats();
    follower.close();
    await agents.close();
    forwarder.close();
    await appendQuietly(ctx, sessionEntry(ctx, 'sidecar_stopped'));
    await ctx.checkpoint();
    await denials.close();
    await audit.close();
    logger.info({ event: 'sidecar_stopped' }, 'sidecar_stopped');
  };
  return {
    url: `ws://127.0.0.1:${port}/agent`,
    httpUrl: `http://127.0.0.1:${port}`,
    claim: (params = {}) => claimTask(ctx, params),
    release: () => releaseHeldTask(ctx),
    onNotification(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: () => (closing ??= close()),
  };
}
