/**
 * The signing thread's program (CommonJS, run with `eval`: the same text works from the
 * TypeScript sources under test and from dist/). It signs one input at a time, read from
 * and written to the shared buffer laid out in mailbox.ts, and sleeps in `Atomics.wait`
 * between jobs.
 */
import { INPUT_AT, OUTPUT_AT, State } from './mailbox.js';

export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { sign } = require('node:crypto');
const { shared, key } = workerData;
const cells = new Int32Array(shared, 0, 4);
const bytes = Buffer.from(shared);
Atomics.store(cells, 0, ${State.Idle});
Atomics.notify(cells, 0);
for (;;) {
  let state;
  while ((state = Atomics.load(cells, 0)) !== ${State.Requested}) Atomics.wait(cells, 0, state);
  try {
    const signature = sign(null, bytes.subarray(${INPUT_AT}, ${INPUT_AT} + cells[1]), key).toString('base64url');
    cells[2] = bytes.write(signature, ${OUTPUT_AT}, 'latin1');
    Atomics.store(cells, 0, ${State.Done});
  } catch {
    Atomics.store(cells, 0, ${State.Failed});
  }
  Atomics.notify(cells, 0);
}
`;
