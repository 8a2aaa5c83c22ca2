/** A real coordinator engine on a temp LMDB dir, real HS256 tokens, and a clock the test moves by hand. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { loadContract, parseContract } from '../../../core/contract/index.js';
import type { CompiledContract } from '../../../core/contract/types.js';
import { openCoordinatorService } from '../../../core/coordinator/index.js';
import { openStore, type Store } from '../../../core/coordinator/store.js';
import type { CoordinatorService, TaskRecord } from '../../../core/coordinator/types.js';
import type { Evidence, TestRunEvidence } from '../../../core/gates/types.js';
import { createLogger } from '../../../core/log.js';
import { createIssuer, createVerifier } from '../../../core/tokens/index.js';
import type { TokenIssuer, TokenVerifier } from '../../../core/tokens/types.js';

export const T0 = Date.UTC(2030, 0, 1);
export const SECRET = new TextEncoder().encode('engine-test-secret-'.padEnd(40, 'x'));
export const REPO_CONTRACT = resolve(import.meta.dirname, '../../../agent_workflow.yaml');

export interface Harness {
  svc: CoordinatorService;
  readonly dir: string;
  readonly contract: CompiledContract;
  readonly issuer: TokenIssuer;
  readonly verifier: TokenVerifier;
  /** Moves the frozen clock forward. */
  advance(ms: number): void;
  now(): number;
  /** Closes and opens the same data dir again. */
  reopen(): Promise<CoordinatorService>;
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  contract?: CompiledContract;
  leaseMs?: number;
  leaseCheckMs?: number;
  /** Runs on the empty data dir's path before the first open (e.g. to make a store the way an earlier build did). */
  prepare?: (dataDir: string) => Promise<void> | void;
}

export async function openHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'pg-engine-'));
  let t = T0;
  const now = (): number => t;
  const contract = opts.contract ?? loadContract(REPO_CONTRACT);
  const issuer = createIssuer({ alg: 'HS256', secret: SECRET }, { ttlSeconds: 7200, now });
  const verifier = createVerifier({ alg: 'HS256', secret: SECRET }, { now });
  const open = (): Promise<CoordinatorService> =>
    openCoordinatorService({
      dataDir: join(dir, 'data'),
      contract,
      issuer,
      verifier,
      now,
      logger: createLogger('engine-test', 'silent'),
      ...(opts.leaseMs === undefined ? {} : { leaseMs: opts.leaseMs }),
      // Long by default: tests call expireLeases() themselves unless they test the timer.
      leaseCheckMs: opts.leaseCheckMs ?? 3_600_000,
    });
  await opts.prepare?.(join(dir, 'data'));
  const h: Harness = {
    svc: await open(),
    dir,
    contract,
    issuer,
    verifier,
    advance: (ms) => void (t += ms),
    now,
    async reopen() {
      await h.svc.close();
      h.svc = await open();
      return h.svc;
    },
    async cleanup() {
      await h.svc.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A small contract with an approval in the middle (A → B needs approval and locks tests; B → C ends). */
export function approvalContract(): CompiledContract {
  const text = `
version: 1
workflows:
  default:
    initial_phase: A
    test_globs: ["tests/**"]
    phases:
      A: { tools: { allowed: [read_file, write_file] } }
      B: { tools: { allowed: [read_file, run_tests], forbidden: [write_file] } }
      C: { tools: { allowed: [read_file] } }
    transitions:
      - { from: A, to: B, approval: true, triggers: [lock_tests] }
      - { from: B, to: C }
`;
  return parseContract(text, 'approval.yaml');
}

export const HASHES: Readonly<Record<string, string>> = { 'tests/a.test.ts': 'a'.repeat(64), 'tests/b.test.ts': 'b'.repeat(64) };

/** The visit of each phase on a straight walk (the task's transition count when it entered the phase). */
const FIRST_VISIT: Readonly<Record<string, number>> = { PLAN: 0, TDD: 1, IMPL: 2, REVIEW: 3, A: 0, B: 1, C: 2 };

/** A run of `phase` in `visit` (default: its first visit on a straight walk), at workspace revision 0. */
export function run(phase: string, epoch: number, failed: number, visit = FIRST_VISIT[phase] ?? 0): TestRunEvidence {
  return { id: `c-${phase}`, audit_seq: 1, phase, epoch, visit, exit_code: failed > 0 ? 1 : 0, passed: 3, failed, revision: 0, at: new Date(T0).toISOString() };
}

export function evidence(runs: TestRunEvidence[] = [], hashes: Readonly<Record<string, string>> = HASHES): Evidence {
  return { test_runs: runs, test_hashes: hashes, test_links: [], workspace_revision: 0 };
}

export const ART = {
  plan: { summary: 'Add a thing', acceptance_criteria: ['the thing works'], steps: ['write tests', 'implement'] },
  tests: { test_files: [{ path: 'tests/a.test.ts', covers: ['the thing works'] }] },
  implementation: { changed_files: ['src/a.ts'], notes: 'small change' },
  review: { verdict: 'approve', issues: [] },
  blockingReview: { verdict: 'request_changes', issues: [{ severity: 'blocking', message: 'breaks X', file: 'src/a.ts' }] },
  completion: { changed_files: ['src/a.ts'], summary: 'done' },
} as const;

/** The reason code of a rejected promise (fails the test if it resolves). */
export async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? `no code: ${String(err)}`;
  }
  throw new Error('expected a rejection');
}

/** A task record with volatile-free comparison: everything must be identical. */
export function snapshotOf(svc: CoordinatorService, id: string): { task: TaskRecord | undefined; events: number } {
  return { task: svc.getTask(id), events: svc.events(0, 10_000).events.length };
}

/** A bare store (no service) in its own temp dir for each test of the calling file: opened before each test, closed and removed after it. */
export function storePerTest(prefix: string): { readonly store: Store; reopen(): Promise<void> } {
  let dir = '';
  let current: Store | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    current = openStore(join(dir, 'data'));
  });
  afterEach(async () => {
    await current?.root.close();
    current = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  const open = (): Store => {
    if (current === undefined) throw new Error('storePerTest: no test is running');
    return current;
  };
  return {
    get store() {
      return open();
    },
    /** Closes the store and opens the same data dir again. */
    async reopen() {
      await open().root.close();
      current = openStore(join(dir, 'data'));
    },
  };
}
