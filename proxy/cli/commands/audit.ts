/** `phasegate audit verify|query`: check an audit log's hash chain, or print matching records. */
import type { DecisionKind } from '../../../core/policy/types.js';
import { queryAudit, verifyAudit, type Checkpoint } from '../../audit/index.js';
import { parseFlags, UsageError } from '../args.js';

const USAGE = `usage: phasegate audit verify DIR_OR_FILE [--checkpoints URL] [--agent ID] [--json]
       phasegate audit query DIR [--agent A] [--task T] [--tool X] [--decision allow|deny|would_deny] [--since ISO]

  verify   checks the hash chain across rotated files; exit 0 "ok N records", or 1 naming
           the first broken FILE:LINE. --checkpoints URL also checks the log against the
           chain heads the coordinator at URL holds for --agent (default: the log's agent),
           using PHASEGATE_ADMIN_KEY; this catches a truncated or rewritten log.
  query    prints matching records as JSONL`;

const DECISIONS: readonly string[] = ['allow', 'deny', 'would_deny'];
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
  let checkpoints: Checkpoint[] | undefined;
  if (values.checkpoints !== undefined) {
    const key = io.env.PHASEGATE_ADMIN_KEY;
    if (key === undefined || key === '') throw new UsageError('--checkpoints needs PHASEGATE_ADMIN_KEY');
    const agent = values.agent ?? (await firstAgent(path));
    if (agent === undefined) throw new UsageError('--checkpoints needs --agent (the log has no records)');
    checkpoints = await fetchCheckpoints(values.checkpoints, agent, key);
  }
  const result = await verifyAudit(path, { checkpoints });
  if (values.json === true) io.stdout.write(JSON.stringify(result) + '\n');
  else if (!result.ok) io.stdout.write(`${result.file}:${result.line}: ${result.problem} (${result.detail})\n`);
  else {
    const tail = result.incompleteTail;
    io.stdout.write(`ok ${result.records} records${tail === undefined ? '' : ` (incomplete tail at ${tail.file}:${tail.line})`}\n`);
  }
  return result.ok ? 0 : 1;
}

async function firstAgent(path: string): Promise<string | undefined> {
  for await (const record of queryAudit(path)) return typeof record.agent_id === 'string' ? record.agent_id : undefined;
  return undefined;
}

/** The chain heads the coordinator received from this agent's sidecar (GET /api/v1/checkpoints). */
async function fetchCheckpoints(base: string, agent: string, key: string): Promise<Checkpoint[]> {
  const url = new URL('/api/v1/checkpoints', base);
  url.searchParams.set('agent', agent);
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`checkpoints request failed: HTTP ${response.status}`);
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
    decision: { type: 'string' },
    since: { type: 'string' },
  } as const;
  const { values, positionals } = parseFlags(argv, flags, USAGE);
  if (positionals.length !== 1) throw new UsageError('needs exactly one DIR');
  if (values.decision !== undefined && !DECISIONS.includes(values.decision)) throw new UsageError('--decision must be allow, deny or would_deny');
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new UsageError(`--since is not an ISO 8601 time: ${values.since}`);
  const filter = { ...values, decision: values.decision as DecisionKind | undefined };
  for await (const record of queryAudit(positionals[0] as string, filter)) io.stdout.write(JSON.stringify(record) + '\n');
  return 0;
}
