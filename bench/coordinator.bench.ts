/**
 * Engine-level coordinator numbers (no HTTP): durable claim and transition latency, durable
 * transitions per second with 100 tasks driven concurrently (group commits), and the status
 * read. The floor they stand on (`lmdb.put_flushed`) is printed by coordinator-http.bench.ts,
 * sampled in the same minutes as the HTTP transition.
 * Tokens are EdDSA, the coordinator's default when no shared secret is configured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseContract } from '../core/contract/index.js';
import { openCoordinatorService } from '../core/coordinator/index.js';
import type { CoordinatorService, TransitionRequest } from '../core/coordinator/types.js';
import { createLogger } from '../core/log.js';
import { createIssuer, createVerifier, loadOrCreateSigningKey } from '../core/tokens/index.js';
import { benchAsync, benchSync, benchThroughput, type BenchResult } from './harness.js';

/** Two phases and a loop, so one task can transition forever; A → B still validates an artifact and runs a gate. */
const LOOP_CONTRACT = `
version: 1
workflows:
  default:
    initial_phase: A
    artifacts: { plan: plan.schema.json }
    gates: { ready: [has_acceptance_criteria] }
    phases:
      A: { tools: { allowed: [read_file, write_file] } }
      B: { tools: { allowed: [read_file] } }
      DONE: { tools: { allowed: [read_file] } }
    transitions:
      - { from: A, to: B, requires_artifacts: [plan], gate: ready }
      - { from: B, to: A }
      - { from: B, to: DONE }
`;
const PLAN = { summary: 'bench', acceptance_criteria: ['fast'], steps: ['go'] };
const NO_EVIDENCE = { test_runs: [], test_hashes: {}, test_links: [], workspace_revision: 0 };

interface Runner {
  readonly taskId: string;
  phase: string;
  token: string;
  moves: number;
}

/** Tasks in real workflows see a handful of transitions; a record with thousands of history entries is not what we measure. */
const MOVES_PER_TASK = 10;

function takeRunner(pool: Runner[]): Runner {
  const r = pool.pop();
  if (r === undefined) throw new Error('runner pool empty');
  return r;
}

function step(r: Runner): TransitionRequest {
  const to = r.phase === 'A' ? 'B' : 'A';
  return { current_phase: r.phase, target_phase: to, phase_token: r.token, artifacts: to === 'B' ? { plan: PLAN } : {}, evidence: NO_EVIDENCE };
}

async function move(svc: CoordinatorService, r: Runner): Promise<void> {
  const res = await svc.transition(step(r));
  if (!res.allowed || res.new_token === undefined || res.phase === undefined) throw new Error(`bench transition refused: ${JSON.stringify(res.blockers)}`);
  r.phase = res.phase;
  r.token = res.new_token;
  r.moves++;
}

async function claimRunners(svc: CoordinatorService, n: number): Promise<Runner[]> {
  for (let i = 0; i < n; i++) await svc.createTask({ title: `runner ${i}` });
  const out: Runner[] = [];
  for (let i = 0; i < n; i++) {
    const c = await svc.claim({ agent_id: `bench-${i}` });
    out.push({ taskId: c.task.id, phase: c.task.phase, token: c.phase_token, moves: 0 });
  }
  return out;
}

export async function benches(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pg-bench-coord-'));
  try {
    const results: BenchResult[] = [];
    const key = await loadOrCreateSigningKey(dir);
    const issuer = createIssuer({ alg: 'EdDSA', privateKey: key.privateKey, publicJwk: key.publicJwk, kid: key.kid }, { ttlSeconds: 7200 });
    const svc = await openCoordinatorService({
      dataDir: join(dir, 'data'),
      contract: parseContract(LOOP_CONTRACT, 'bench.yaml'),
      issuer,
      verifier: createVerifier({ alg: 'EdDSA', jwks: issuer.jwks() }),
      logger: createLogger('bench', 'silent'),
    });
    try {
      // Claim: one durable claim per sample on a queue of pending tasks. The claimed tasks feed the transition bench.
      const claims = { samples: 2_000, warmup: 200 };
      for (let i = 0; i < claims.samples + claims.warmup; i++) await svc.createTask({ title: `claim ${i}` });
      const claimed: Runner[] = [];
      let n = 0;
      results.push(
        await benchAsync('coordinator.claim', async () => {
          const c = await svc.claim({ agent_id: `claimer-${n++}` });
          claimed.push({ taskId: c.task.id, phase: c.task.phase, token: c.phase_token, moves: 0 });
        }, claims),
      );

      // Transition: A → B on a fresh task each time (artifact schema validation + gate + token + durable commit).
      results.push(await benchAsync('coordinator.transition', () => move(svc, takeRunner(claimed)), claims));

      // 100 tasks, 100 transitions in flight; a task is swapped for a fresh one after a realistic number of moves.
      const fresh = await claimRunners(svc, 2_400);
      const active = fresh.splice(0, 100);
      const driven = async (): Promise<void> => {
        const r = takeRunner(active);
        try {
          await move(svc, r);
        } finally {
          active.push(r.moves >= MOVES_PER_TASK ? takeRunner(fresh) : r);
        }
      };
      await benchThroughput('warmup', driven, { total: 2_000, concurrency: 100 });
      results.push(await benchThroughput('coordinator.transitions_per_s', driven, { total: 20_000, concurrency: 100 }));

      const some = fresh[0] ?? active[0];
      if (some === undefined) throw new Error('no task left');
      results.push(benchSync('coordinator.status', () => svc.getTask(some.taskId), { samples: 20_000, batch: 10 }));
    } finally {
      await svc.close();
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
