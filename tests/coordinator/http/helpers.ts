/** Test helpers: a real coordinator on 127.0.0.1:0 with a temp data dir, and a tiny fetch wrapper. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { createLogger } from '../../../core/log.js';
import { startCoordinator, type RunningCoordinator } from '../../../core/coordinator/http/index.js';

export const REPO_CONTRACT = resolve(import.meta.dirname, '../../../agent_workflow.yaml');

/** A gate-free cycle A ⇄ B, plus B → COMPLETE behind a human approval. */
export const CYCLE_CONTRACT = `version: 1
workflows:
  default:
    phases:
      A: { tools: { allowed: [read_file] } }
      B: { tools: { allowed: [read_file, list_files] } }
      COMPLETE: { tools: { allowed: [read_file] } }
    transitions:
      - { from: A, to: B }
      - { from: B, to: A }
      - { from: B, to: COMPLETE, approval: true }
`;

export interface TestCoordinator extends RunningCoordinator {
  readonly dataDir: string;
  admin: Api;
  sidecar: Api;
  auditor: Api;
  anon: Api;
  dispose(): Promise<void>;
}

/** What a test leaves behind, set as it goes: its coordinator and temp folder, both gone after each test. */
export interface LeftBehind {
  c: TestCoordinator | undefined;
  root: string | undefined;
}

export function cleanedAfterEach(): LeftBehind {
  const left: LeftBehind = { c: undefined, root: undefined };
  afterEach(async () => {
    await left.c?.dispose();
    if (left.root !== undefined) await rm(left.root, { recursive: true, force: true });
    left.c = left.root = undefined;
  });
  return left;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'phasegate-coord-http-'));
}

/** Starts a coordinator; `contract` is a file path or, with `contractText`, YAML written into the temp dir. */
export async function startTest(
  opts: { contractText?: string; env?: NodeJS.ProcessEnv; dataDir?: string; now?: () => number } = {},
): Promise<TestCoordinator> {
  const root = opts.dataDir ?? (await tempDir());
  let contractFile = REPO_CONTRACT;
  if (opts.contractText !== undefined) {
    contractFile = join(root, 'contract.yaml');
    await writeFile(contractFile, opts.contractText);
  }
  const c = await startCoordinator({
    dataDir: join(root, 'data'),
    port: 0,
    contractFile,
    env: opts.env ?? {},
    logger: createLogger('coordinator-test', 'silent'),
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  return {
    ...c,
    dataDir: join(root, 'data'),
    admin: api(c.url, c.adminKey),
    sidecar: api(c.url, c.sidecarKey),
    auditor: api(c.url, c.auditorKey),
    anon: api(c.url, undefined),
    dispose: async () => {
      await c.close();
      if (opts.dataDir === undefined) await rm(root, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON (tests read arbitrary fields), or the raw text. */
  body: any;
  headers: Headers;
}

export type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse>;

/** `body` as a string is sent verbatim (for malformed JSON); anything else is JSON-encoded. */
export function api(base: string, key: string | undefined): Api {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Non-JSON bodies (metrics; the dashboard's HTML, scripts and CSS) stay text.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

export const PLAN = { summary: 'add a thing', acceptance_criteria: ['the thing works'], steps: ['write it'] };
export const NO_EVIDENCE = { test_runs: [], test_hashes: {}, test_links: [], workspace_revision: 0 };
