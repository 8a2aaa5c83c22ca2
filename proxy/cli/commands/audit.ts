/** `phasegate audit verify|query`: check an audit log's hash chain, or print matching records. */
import type { DecisionKind } from '../../../core/policy/types.js';
import { keyFromEnv } from '../admin-client.js';
import { auditChains, queryAudit, verifyAudit, type Checkpoint, type VerifyResult } from '../../audit/index.js';
import { recordPrinter } from '../audit-format.js';
import { parseFlags, UsageError } from '../args.js';
import { terminalText } from '../terminal-text.js';

const USAGE = `usage: phasegate audit verify DIR_OR_FILE [--checkpoints URL] [--agent ID] [--json]
       phasegate audit query DIR [--agent A] [--task T] [--tool X] [--type T] [--phase P] [--reason R]
                             [--decision allow|deny|would_deny] [--since ISO] [--format table|jsonl|csv]

  verify   checks the hash chain across rotated files; exit 0 "ok N records", or 1 naming
           the first broken FILE:LINE. DIR may also be a folder of log folders (a state dir:
           audit/, audit-<reviewer>/…): each chain is checked. --checkpoints URL also checks
           every chain against the chain heads the coordinator at URL holds for EVERY agent
           found in it (only --agent's with --agent) and says how many it compared
           ("ok N records, M checkpoints (K agents)"); this catches a truncated or rewritten
           log. Key: PHASEGATE_AUDITOR_KEY (read-only; or PHASEGATE_AUDITOR_KEY_FILE), else
           PHASEGATE_ADMIN_KEY (or PHASEGATE_ADMIN_KEY_FILE).
  query    prints matching records: --format jsonl (default), table (one escaped line per
           record), csv (RFC 4180, formula-safe)`;

const DECISIONS: readonly string[] = ['allow', 'deny', 'would_deny'];
const TYPES: readonly string[] = ['call', 'result', 'change', 'transition', 'session'];
const FORMATS: readonly string[] = ['table', 'jsonl', 'csv'];
const FETCH_TIMEOUT_MS = 10_000;

/** Where the command prints and what it reads; the process's own by default (tests pass theirs). */
export interface AuditIo {
  readonly stdout: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

const processIo: AuditIo = { stdout: process.stdout, env: process.env };

export async function run(argv: string[], io: AuditIo = processIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') return verify(rest, io);
  if (sub === 'query') return query(rest, io);
  parseFlags(argv, {}, USAGE); // --help prints the usage
  throw new UsageError(sub === undefined ? 'missing subcommand: verify or query' : `unknown subcommand "${sub}": verify or query`);
}

function onePath(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('needs exactly one DIR_OR_FILE');
  return positionals[0] as string;
}

async function verify(argv: string[], io: AuditIo): Promise<number> {
  const flags = { checkpoints: { type: 'string' }, agent: { type: 'string' }, json: { type: 'boolean' } } as const;
  const { values, positionals } = parseFlags(argv, flags, USAGE);
  const path = onePath(positionals);
  const key = values.checkpoints === undefined ? undefined : readKey(io.env);
  const results: VerifyResult[] = [];
  let compared = 0;
  const agents = new Set<string>();
  for (const chain of await auditChains(path)) {
    let checkpoints: Checkpoint[] | undefined;
    if (values.checkpoints !== undefined && key !== undefined) {
      const found = values.agent === undefined ? await agentsIn(chain) : [values.agent];
      if (found.length === 0 && values.agent === undefined) throw new UsageError(`--checkpoints: ${chain} has no records, so no agent to check (give --agent)`);
      checkpoints = [];
      for (const agent of found) {
        agents.add(agent);
        checkpoints.push(...(await fetchCheckpoints(values.checkpoints, agent, key)));
      }
      compared += checkpoints.length;
    }
    const result = await verifyAudit(chain, { checkpoints });
    results.push(result);
    if (!result.ok) break;
  }
  const failed = results.find((r) => !r.ok);
  if (values.json === true) {
    io.stdout.write(JSON.stringify(results.length === 1 && values.checkpoints === undefined ? results[0] : summary(results, compared, agents)) + '\n');
  } else if (failed !== undefined && !failed.ok) {
    io.stdout.write(`${terminalText(failed.file)}:${failed.line}: ${failed.problem} (${terminalText(failed.detail)})\n`);
  } else {
    const records = results.reduce((n, r) => n + (r.ok ? r.records : 0), 0);
    const tails = results.flatMap((r) => (r.ok && r.incompleteTail !== undefined ? [r.incompleteTail] : []));
    const tail = tails.map((t) => ` (incomplete tail at ${terminalText(t.file)}:${t.line})`).join('');
    const chains = results.length > 1 ? ` in ${results.length} logs` : '';
    const checked = values.checkpoints === undefined ? '' : `, ${compared} checkpoints (${agents.size} agent${agents.size === 1 ? '' : 's'})`;
    io.stdout.write(`ok ${records} records${chains}${checked}${tail}\n`);
  }
  return failed === undefined ? 0 : 1;
}

function summary(results: readonly VerifyResult[], checkpoints: number, agents: ReadonlySet<string>) {
  const failed = results.find((r) => !r.ok);
  if (failed !== undefined) return failed;
  return { ok: true, records: results.reduce((n, r) => n + (r.ok ? r.records : 0), 0), logs: results.length, checkpoints, agents: [...agents].sort() };
}

/** The read-only auditor key is enough (and preferred): checking a log must not need the power to approve. */
function readKey(env: AuditIo['env']): string {
  for (const role of ['AUDITOR', 'ADMIN'] as const) {
    let key: string | undefined;
    try {
      key = keyFromEnv(env, role);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (key !== undefined) return key;
  }
  throw new UsageError('--checkpoints needs PHASEGATE_AUDITOR_KEY (read-only) or PHASEGATE_ADMIN_KEY, or their _FILE variants');
}

/** Every agent id that wrote to the chain: a shared log holds one run after another. */
async function agentsIn(path: string): Promise<string[]> {
  const found = new Set<string>();
  for await (const record of queryAudit(path)) if (typeof record.agent_id === 'string') found.add(record.agent_id);
  return [...found].sort();
}

/** The chain heads the coordinator received from this agent's sidecar (GET /api/v1/checkpoints). */
async function fetchCheckpoints(base: string, agent: string, key: string): Promise<Checkpoint[]> {
  const url = new URL('/api/v1/checkpoints', base);
  url.searchParams.set('agent', agent);
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw new Error(`cannot reach the coordinator at ${base} (${e.cause?.code ?? e.message})`);
  }
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? ': the key is not this coordinator\'s auditor or admin key' : '';
    throw new Error(`checkpoints request to ${url.origin} failed: HTTP ${response.status}${hint}`);
  }
  const body = (await response.json()) as { checkpoints?: unknown };
  if (!Array.isArray(body.checkpoints)) throw new Error('checkpoints response has no "checkpoints" array');
  return body.checkpoints.map((item: unknown) => {
    const { seq, hash } = (item ?? {}) as { seq?: unknown; hash?: unknown };
    if (!Number.isSafeInteger(seq) || typeof hash !== 'string') throw new Error('checkpoints response holds a malformed checkpoint');
    return { seq: seq as number, hash };
  });
}

async function query(argv: string[], io: AuditIo): Promise<number> {
  const flags = {
    agent: { type: 'string' },
    task: { type: 'string' },
    tool: { type: 'string' },
    type: { type: 'string' },
    phase: { type: 'string' },
    reason: { type: 'string' },
    decision: { type: 'string' },
    since: { type: 'string' },
    format: { type: 'string' },
  } as const;
  const { values, positionals } = parseFlags(argv, flags, USAGE);
  if (positionals.length !== 1) throw new UsageError('needs exactly one DIR');
  if (values.decision !== undefined && !DECISIONS.includes(values.decision)) throw new UsageError('--decision must be allow, deny or would_deny');
  if (values.type !== undefined && !TYPES.includes(values.type)) throw new UsageError(`--type must be one of ${TYPES.join(', ')}`);
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new UsageError(`--since is not an ISO 8601 time: ${values.since}`);
  const format = values.format ?? 'jsonl';
  if (!FORMATS.includes(format)) throw new UsageError('--format must be table, jsonl or csv');
  const { format: _format, ...rest } = values;
  const filter = { ...rest, decision: rest.decision as DecisionKind | undefined };
  const printer = recordPrinter(format as 'table' | 'jsonl' | 'csv', (text) => io.stdout.write(text));
  for (const chain of await auditChains(positionals[0] as string)) {
    for await (const record of queryAudit(chain, filter)) printer.record(record);
  }
  printer.end();
  return 0;
}
