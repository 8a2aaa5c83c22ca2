import { mkdir } from 'node:fs/promises';
import { PhasegateError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/log.js';
import { AuditFile, WriteFailure } from './audit-file.js';
import { sealRecord } from './chain.js';
import { readChainHead, type ChainHead } from './chain-head.js';
import { listAuditFiles } from './files.js';
import { redactArgs } from './redact.js';
import type { AuditEntry, AuditLog, AuditRecord } from './types.js';

export interface AuditLogOptions {
  /** Directory holding tool_audit.jsonl and its rotations (created 0700 if missing). One writer per directory. */
  readonly dir: string;
  /** Rotate before a record would take the live file past this (default 100 MiB). */
  readonly maxBytes?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** fdatasync after every write: survives power loss, at the cost of a disk flush per batch (default false). */
  readonly fsync?: boolean;
}

interface Pending {
  readonly entry: AuditEntry;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (err: unknown) => void;
}

const RECORD_TYPES = new Set<string>(['call', 'result', 'transition', 'session']);

/** Records written per write(2): concurrent appends coalesce, keeping order. */
const MAX_BATCH = 256;

function unavailable(message: string, cause?: unknown): PhasegateError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new PhasegateError('audit_unavailable', message, code === undefined ? undefined : { cause: code });
}

/**
 * Opens the hash-chained audit log of SPEC §9, recovering the chain head from the existing
 * files. Rejects with audit_unavailable if the directory cannot be used or its tail was altered.
 */
export async function openAuditLog(opts: AuditLogOptions): Promise<AuditLog> {
  if (typeof opts.dir !== 'string' || opts.dir === '') throw new TypeError('"dir" must be a non-empty path');
  const maxBytes = opts.maxBytes ?? 100 * 1024 * 1024;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new TypeError('"maxBytes" must be a positive integer');
  const logger = opts.logger ?? createLogger('audit');
  let head: ChainHead;
  try {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    head = await readChainHead((await listAuditFiles(opts.dir)).files);
  } catch (err) {
    if (err instanceof PhasegateError) throw err;
    throw unavailable(`cannot open audit log in ${opts.dir}`, err);
  }
  logger.info({ dir: opts.dir, seq: head.seq }, 'audit_opened');
  const file = new AuditFile(opts.dir, maxBytes, opts.fsync ?? false, logger);
  return new ChainWriter(file, head, opts.now ?? Date.now, logger);
}

class ChainWriter implements AuditLog {
  private pending: Pending[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly file: AuditFile,
    private current: ChainHead,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    if (this.closed) return Promise.reject(unavailable('audit log is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.idle = this.drain();
      }
    });
  }

  head(): { seq: number; hash: string } {
    return { seq: this.current.seq, hash: this.current.hash };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
    await this.file.close();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) await this.writeBatch(this.pending.splice(0, MAX_BATCH));
    // Cleared in the same synchronous step that saw the queue empty, so no append is stranded.
    this.running = false;
  }

  /** Seals records from the current head and writes them; the head moves only past lines that reached the file. */
  private async writeBatch(batch: Pending[]): Promise<void> {
    let { seq, hash: prev } = this.current;
    const sealed: { record: AuditRecord; line: Buffer; pending: Pending }[] = [];
    for (const pending of batch) {
      try {
        const { record, line } = sealRecord(this.unsealed(pending.entry, seq + 1, prev));
        sealed.push({ record, line: Buffer.from(line), pending });
        seq = record.seq;
        prev = record.hash;
      } catch (err) {
        // e.g. a BigInt in args: refuse this one call, keep the chain and the queue going.
        pending.reject(unavailable('audit record could not be serialized', err));
      }
    }
    let written = sealed.length;
    let failure: unknown;
    try {
      await this.file.appendLines(sealed.map((s) => s.line));
    } catch (err) {
      written = err instanceof WriteFailure ? err.written : 0;
      failure = err instanceof WriteFailure ? err.cause : err;
    }
    sealed.forEach(({ record, pending }, i) => {
      if (i < written) {
        this.current = { seq: record.seq, hash: record.hash };
        pending.resolve(record);
      } else {
        pending.reject(unavailable('audit record could not be written', failure));
      }
    });
    if (failure !== undefined) {
      this.log.error({ err: failure, seq: this.current.seq, refused: sealed.length - written }, 'audit_write_failed');
    }
  }

  /** Exactly the SPEC §9 fields (nothing extra a caller's object may carry), args redacted. */
  private unsealed(entry: AuditEntry, seq: number, prev: string): Omit<AuditRecord, 'hash'> {
    if (!RECORD_TYPES.has(entry.type) || typeof entry.agent_id !== 'string') throw new TypeError('bad audit entry type or agent_id');
    return {
      seq,
      ts: new Date(this.now()).toISOString(),
      type: entry.type,
      call_id: entry.call_id ?? null,
      agent_id: entry.agent_id,
      task_id: entry.task_id ?? null,
      phase: entry.phase ?? null,
      tool: entry.tool ?? null,
      args: entry.args === undefined ? null : redactArgs(entry.tool ?? null, entry.args),
      decision: entry.decision ?? null,
      reason: entry.reason ?? null,
      result: entry.result ?? null,
      duration_us: entry.duration_us ?? null,
      prev,
    };
  }
}
