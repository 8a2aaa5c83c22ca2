/**
 * The shared buffer between the coordinator's thread and its signing thread: four int32
 * cells — [state, input length, output length, unused] — then the input (UTF-8; a JWS
 * signing input is ASCII) and the output (the base64url signature, 86 characters for Ed25519).
 */
export const State = {
  /** The thread is not running yet. */
  Starting: 0,
  /** Waiting for a job. */
  Idle: 1,
  /** An input is written; the thread is signing it. */
  Requested: 2,
  /** The signature is written. */
  Done: 3,
  /** Signing threw; the caller signs on its own thread, where the error surfaces. */
  Failed: 4,
} as const;

export const INPUT_AT = 16;
/** Bytes for the input; longer ones are signed on libuv's pool (a phase token's is ≈ 0.5–1 KiB). */
export const MAX_INPUT = 16 * 1024;
export const OUTPUT_AT = INPUT_AT + MAX_INPUT;
export const SHARED_BYTES = OUTPUT_AT + 128;
