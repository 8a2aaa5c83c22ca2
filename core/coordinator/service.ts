/** `openCoordinatorService`: the state engine behind the coordinator's HTTP API (SPEC §7), on LMDB. */
import { join } from 'node:path';
import type { CompiledContract } from '../contract/types.js';
import { createLogger, type Logger } from '../log.js';
import type { TokenIssuer, TokenVerifier } from '../tokens/types.js';
import { createCachingVerifier } from '../tokens/claims-cache.js';
import { approve, listApprovals, reject } from './approvals.js';
import { listCheckpoints, recordCheckpoint } from './checkpoints.js';
import { createDataHeadroom, lmdbUsedBytes } from './data-headroom.js';
import { createEngine } from './engine.js';
import { EventPublisher, readEvents } from './events.js';
import { createGroupCommit } from './group-commit.js';
import { idOrdinal } from './ids.js';
import { expireLeases, startLeaseTimer } from './leases.js';
import { openStore } from './store.js';
import { taskRecords } from './task-scan.js';
import { ensureTaskCounts, taskCounts } from './task-counts.js';
import { claim, heartbeat, release } from './task-claims.js';
import { createTask } from './task-create.js';
import { cancel } from './task-cancel.js';
import { pause, resume } from './task-pause.js';
import { refresh, snapshot } from './token-reads.js';
import { transition } from './transitions.js';
import { HistoryCache } from './history-cache.js';
import { ensureHistoryRecords } from './history-migration.js';
import { ensureRecordsInMainDb } from './main-db-migration.js';
import { withHistory } from './task-history.js';
import type { CoordinatorService, StoredTask, TaskRecord } from './types.js';

export interface CoordinatorServiceOptions {
  readonly dataDir: string;
  readonly contract: CompiledContract;
  readonly issuer: TokenIssuer;
  readonly verifier: TokenVerifier;
  /** ms since epoch; tests freeze and advance it. */
  readonly now?: () => number;
  /** How long a claim lives without a heartbeat (default 60 s, SPEC §7). */
  readonly leaseMs?: number;
  /** How often overdue leases are collected (default a quarter of leaseMs, at most 5 s). */
  readonly leaseCheckMs?: number;
  readonly logger?: Logger;
}

export const DEFAULT_LEASE_MS = 60_000;
/**
 * Decoded history entries kept for task reads: ~100 tasks of 40 entries. Measured ≈ 1.8 KB of
 * heap per entry with full evidence, so ≈ 7 MiB at most.
 */
const HISTORY_CACHE_ENTRIES = 4_096;

function positiveMs(v: number | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new TypeError(`"${name}" must be a positive integer (ms)`);
  return v;
}

/** Opens (or creates) the store in `dataDir` and starts the lease timer. Bad options throw a TypeError naming the option. */
export async function openCoordinatorService(opts: CoordinatorServiceOptions): Promise<CoordinatorService> {
  if (typeof opts.dataDir !== 'string' || opts.dataDir.length === 0) throw new TypeError('"dataDir" must be a non-empty path');
  if (typeof opts.contract?.sha256 !== 'string') throw new TypeError('"contract" must be a compiled contract');
  if (typeof opts.issuer?.issue !== 'function') throw new TypeError('"issuer" must be a TokenIssuer');
  if (typeof opts.verifier?.verify !== 'function') throw new TypeError('"verifier" must be a TokenVerifier');
  if (opts.now !== undefined && typeof opts.now !== 'function') throw new TypeError('"now" must be a function');
  const leaseMs = positiveMs(opts.leaseMs, 'leaseMs', DEFAULT_LEASE_MS);
  const leaseCheckMs = positiveMs(opts.leaseCheckMs, 'leaseCheckMs', Math.min(5_000, Math.ceil(leaseMs / 4)));
  const logger = opts.logger ?? createLogger('coordinator');

  const store = openStore(opts.dataDir);
  // Earlier builds' layouts, oldest last: records move into the main database, then history is rewritten there.
  ensureRecordsInMainDb(store);
  ensureHistoryRecords(store);
  ensureTaskCounts(store);
  // The data file is kept ahead of the store with written zeros, so a commit that grows the
  // store does not also wait for a filesystem journal commit (data-headroom.ts).
  const headroom = createDataHeadroom(join(opts.dataDir, 'data.mdb'), () => lmdbUsedBytes(store.root), logger);
  headroom.check();
  // A rollback gives back the event seqs it took (the next event is counted from the log again) and any msgpack structure it added.
  const commits = createGroupCommit(store.root, {
    onRollback: store.rolledBack,
    beforeCommit: () => {
      headroom.topUp();
      store.markStructures();
    },
  });
  const publisher = new EventPublisher(logger);
  // Signature checks once per distinct token, and never for tokens this process just signed:
  // the next transition of a task presents exactly the token its previous one returned.
  const verifier = createCachingVerifier(opts.verifier, { now: opts.now ?? Date.now });
  const issuer: TokenIssuer = {
    alg: opts.issuer.alg,
    jwks: () => opts.issuer.jwks(),
    issue: async (grant) => {
      // An issuer that hands back its claims saves decoding the token it just signed.
      if (opts.issuer.issueWithClaims !== undefined) {
        const { token, claims } = await opts.issuer.issueWithClaims(grant);
        verifier.remember(token, claims);
        return token;
      }
      const token = await opts.issuer.issue(grant);
      verifier.remember(token);
      return token;
    },
  };
  const engine = createEngine({
    store,
    commits,
    publisher,
    contract: opts.contract,
    issuer,
    verifier,
    now: opts.now ?? Date.now,
    leaseMs,
    logger,
  });
  const stopTimer = startLeaseTimer(engine, leaseCheckMs, logger);
  logger.info({ data_dir: opts.dataDir, contract: opts.contract.sha256, lease_ms: leaseMs }, 'coordinator_store_opened');

  // Every task that leaves the service carries its history, read back from its own records
  // (task-history.ts): the engine never reads more than the last entry.
  const histories = new HistoryCache(HISTORY_CACHE_ENTRIES);
  const hydrate = (task: StoredTask): TaskRecord => withHistory(store, task, histories);
  const hydrated = async (task: Promise<StoredTask>): Promise<TaskRecord> => hydrate(await task);
  let closing: Promise<void> | undefined;
  return {
    createTask: (input) => hydrated(createTask(engine, input)),
    listTasks: () => [...taskRecords(store)].map((e) => e.value).sort((a, b) => idOrdinal(a.id) - idOrdinal(b.id)).map(hydrate),
    taskCounts: () => taskCounts(store),
    getTask: (id) => {
      const task = typeof id === 'string' && id.length > 0 ? store.tasks.get(id) : undefined;
      return task === undefined ? undefined : hydrate(task);
    },
    claim: async (req) => {
      const claimed = await claim(engine, req);
      return { ...claimed, task: hydrate(claimed.task) };
    },
    transition: (req) => transition(engine, req),
    heartbeat: (taskId, agentId) => heartbeat(engine, taskId, agentId),
    release: (taskId, agentId) => hydrated(release(engine, taskId, agentId)),
    refresh: (token) => refresh(engine, token),
    snapshot: (token) => snapshot(engine, token),
    pause: (taskId, reason) => hydrated(pause(engine, taskId, reason)),
    resume: (taskId) => hydrated(resume(engine, taskId)),
    listApprovals: (status) => listApprovals(store, status),
    approve: (id, note, decidedBy) => approve(engine, id, note, decidedBy),
    reject: (id, reason, decidedBy) => reject(engine, id, reason, decidedBy),
    cancel: (taskId, reason, decidedBy) => hydrated(cancel(engine, taskId, reason, decidedBy)),
    artifact: (hash) => (typeof hash === 'string' && hash.length > 0 ? store.artifacts.get(hash) : undefined),
    recordCheckpoint: (cp) => recordCheckpoint(engine, cp),
    checkpoints: (agentId) => listCheckpoints(store, agentId),
    events: (since, limit) => readEvents(store, since, limit),
    subscribe: (listener) => publisher.subscribe(listener),
    expireLeases: () => expireLeases(engine),
    close: () =>
      (closing ??= (async () => {
        stopTimer();
        commits.stop();
        await commits.drain();
        await store.root.close();
        headroom.close();
        logger.info({ data_dir: opts.dataDir }, 'coordinator_store_closed');
      })()),
  };
}
