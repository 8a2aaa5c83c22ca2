import { mkdir } from 'node:fs/promises';
import { PhasegateError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/log.js';
import { AuditFile } from './audit-file.js';
import { sealRecord } from './chain.js';
import { readChainHead, type ChainHead } from './chain-head.js';
import { listAuditFiles } from './files.js';
import { boundResult, bounded } from './bound-fields.js';
import { redactArgsJson } from './redact.js';
import type { AuditEntry, AuditLog, AuditRecord } from './types.js';

export interface AuditLogOptions {
  /** Directory holding tool_audit.jsonl and its rotations (created 0700 if missing). One writer per directory. */
  readonly dir: string;
  /** Rotate before a record would take the live file past this (default 100 MiB). */
  readonly maxBytes?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  /**
   * fdatasync after every record: the record survives power loss, not just a process crash,
   * at the cost of a disk flush per record during which the event loop waits (default false).
   */
  readonly fsync?: boolean;
}

const RECORD_TYPES = new Set<string>(['call', 'result', 'change', 'transition', 'session']);

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
  let file: AuditFile;
  try {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    head = await readChainHead((await listAuditFiles(opts.dir)).files);
    file = new AuditFile(opts.dir, maxBytes, opts.fsync ?? false, logger);
    // Open now: an unusable directory stops the sidecar at start, not on the first call.
    file.open();
  } catch (err) {
    if (err instanceof PhasegateError) throw err;
    throw unavailable(`cannot open audit log in ${opts.dir}`, err);
  }
  logger.info({ dir: opts.dir, seq: head.seq }, 'audit_opened');
  return new ChainWriter(file, head, opts.now ?? Date.now, logger);
}

const NO_ARGS = { value: null, json: 'null' } as const;

class ChainWriter implements AuditLog {
  private closed = false;
  /** The last `ts` written and its clock reading: a call's two records usually share the millisecond. */
  private tsMs = Number.NaN;
  private tsText = '';

  constructor(
    private readonly file: AuditFile,
    private current: ChainHead,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /**
   * Seals the entry onto the current head and writes it before returning, so records land
   * in call order with nothing in between; the head moves only once the line is in the file.
   */
  async append(entry: AuditEntry): Promise<AuditRecord> {
    return this.appendNow(entry);
  }

  appendNow(entry: AuditEntry): AuditRecord {
    if (this.closed) throw unavailable('audit log is closed');
    let sealed: { record: AuditRecord; line: string };
    try {
      const args = entry.args === undefined ? NO_ARGS : redactArgsJson(typeof entry.tool === 'string' ? entry.tool : null, entry.args);
      sealed = sealRecord(this.unsealed(entry, args.value, this.current.seq + 1, this.current.hash), args.json);
    } catch (err) {
      // e.g. a BigInt in args: refuse this one call; the chain is untouched.
      throw unavailable('audit record could not be serialized', err);
    }
    try {
      this.file.appendLine(sealed.line);
    } catch (err) {
      this.log.error({ err, seq: this.current.seq }, 'audit_write_failed');
      throw unavailable('audit record could not be written', err);
    }
    this.current = { seq: sealed.record.seq, hash: sealed.record.hash };
    return sealed.record;
  }

  head(): { seq: number; hash: string } {
    return { seq: this.current.seq, hash: this.current.hash };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.file.close();
  }

  private timestamp(): string {
    const ms = this.now();
    if (ms !== this.tsMs) {
      this.tsText = new Date(ms).toISOString();
      this.tsMs = ms;
    }
    return this.tsText;
  }

  /** Exactly the SPEC §9 fields (nothing extra a caller's object may carry), args redacted. */
  private unsealed(entry: AuditEntry, args: unknown, seq: number, prev: string): Omit<AuditRecord, 'hash'> {
    if (!RECORD_TYPES.has(entry.type) || typeof entry.agent_id !== 'string') throw new TypeError('bad audit entry type or agent_id');
    // Every free-text field bounded (bound-fields.ts), built in one object on the hot path.
    return {
      seq,
      ts: this.timestamp(),
      type: entry.type,
      call_id: bounded(entry.call_id ?? null),
      agent_id: bounded(entry.agent_id),
      task_id: bounded(entry.task_id ?? null),
      phase: bounded(entry.phase ?? null),
      tool: bounded(entry.tool ?? null),
      args,
      decision: entry.decision ?? null,
      reason: bounded(entry.reason ?? null),
      result: boundResult(entry.result ?? null),
      duration_us: entry.duration_us ?? null,
      prev,
    };
  }
}
