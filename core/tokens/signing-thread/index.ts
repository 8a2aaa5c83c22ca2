/**
 * Ed25519 signatures on a thread of their own, handed back through shared memory.
 *
 * Why: the coordinator starts signing a phase token inside its write transaction, so the
 * signature is computed while the commit syncs (coordinator/grants.ts). Signed on libuv's
 * pool, the finished signature reaches JavaScript only on the event loop's next turn after
 * the commit; from this thread the caller takes it at once (`take`), ≈ 12 µs sooner per
 * transition on the 2-core VM (docs/benchmarks.md).
 *
 * One job at a time, the sequential case. `begin` answers undefined — the caller signs on
 * libuv's pool as before — while a job is in flight, before the thread is up, for an input
 * too long for the mailbox, and once the thread is gone. A job is never lost: `take` signs
 * on the calling thread when the signing thread failed, died or stalled (`stallMs`). The
 * thread stops after `idleMs` without a job and starts again on the next one, so issuers
 * that are no longer used hold no thread.
 */
import { sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { INPUT_AT, MAX_INPUT, OUTPUT_AT, SHARED_BYTES, State } from './mailbox.js';
import { WORKER_SOURCE } from './worker-source.js';

export interface SigningThreadOptions {
  /** How long `take` waits for the thread before signing itself and giving the thread up (ms). */
  readonly stallMs?: number;
  /** The thread stops after this long without a job (ms). */
  readonly idleMs?: number;
}

export interface SigningThread {
  /** Starts signing `input` (its UTF-8 bytes); `take()` returns the base64url signature. Undefined: sign some other way. */
  begin(input: string): (() => string) | undefined;
  /** Stops the thread; later `begin` calls start it again. */
  close(): Promise<void>;
}

/** The thread for one private key; it starts on the first `begin`. */
export function signingThread(key: KeyObject, opts: SigningThreadOptions = {}): SigningThread {
  const stallMs = opts.stallMs ?? 1_000;
  const idleMs = opts.idleMs ?? 2_000;
  const signHere = (input: string): string => sign(null, Buffer.from(input), key).toString('base64url');
  let running: { worker: Worker; cells: Int32Array; bytes: Buffer } | undefined;
  let idle: NodeJS.Timeout | undefined;

  function stop(): Promise<void> {
    const current = running;
    running = undefined;
    if (idle !== undefined) clearTimeout(idle);
    idle = undefined;
    return current === undefined ? Promise.resolve() : current.worker.terminate().then(() => undefined);
  }

  function start(): void {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared, key } });
    // Never what keeps the process alive; a thread that fails is given up (its job is signed here).
    worker.unref();
    const mine = { worker, cells: new Int32Array(shared, 0, 4), bytes: Buffer.from(shared) };
    const giveUp = (): void => {
      if (running === mine) void stop();
    };
    worker.once('error', giveUp);
    worker.once('exit', giveUp);
    running = mine;
  }

  function take(job: NonNullable<typeof running>, input: string): string {
    const { cells, bytes } = job;
    const deadline = performance.now() + stallMs;
    let state: number;
    while ((state = Atomics.load(cells, 0)) === State.Requested) {
      if (performance.now() > deadline) {
        // A thread that does not answer is given up; its late answer lands in a buffer nobody reads.
        if (running === job) void stop();
        return signHere(input);
      }
      Atomics.wait(cells, 0, State.Requested, 10);
    }
    const signature = state === State.Done ? bytes.toString('latin1', OUTPUT_AT, OUTPUT_AT + (cells[2] ?? 0)) : undefined;
    Atomics.store(cells, 0, State.Idle);
    return signature ?? signHere(input);
  }

  return {
    begin(input) {
      if (running === undefined) start();
      const job = running as NonNullable<typeof running>;
      // At most 3 UTF-8 bytes per UTF-16 unit: an input that passes always fits whole.
      if (input.length > MAX_INPUT / 3 || Atomics.load(job.cells, 0) !== State.Idle) return undefined;
      job.cells[1] = job.bytes.write(input, INPUT_AT, 'utf8');
      Atomics.store(job.cells, 0, State.Requested);
      Atomics.notify(job.cells, 0);
      if (idle === undefined) idle = setTimeout(() => void stop(), idleMs).unref();
      else idle.refresh();
      let signature: string | undefined;
      return () => (signature ??= take(job, input));
    },
    close: stop,
  };
}
