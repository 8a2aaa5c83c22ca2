/** The agent sandbox's status channel (fd 3 of the launcher): did the sandbox get built, did CMD start? */
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([k, v]) => [v, k]));

export interface SandboxStatus {
  /** Why CMD never ran (sandbox not built, program not executable), or undefined. */
  failure(program: string): string | undefined;
}

export function sandboxStatus(stream: Readable | Writable | null | undefined): SandboxStatus {
  let text = '';
  (stream as Readable | null | undefined)?.on('data', (c: Buffer) => {
    if (text.length < 4096) text += c.toString('utf8');
  });
  return {
    failure(program) {
      for (const line of text.split('\n')) {
        if (line.startsWith('X ')) return `the agent sandbox could not be built (${line.slice(2)})`;
        // Worded like Node's own spawn error, as without the sandbox.
        if (line.startsWith('E ')) return `spawn ${program} ${ERRNO_NAMES.get(Number(line.slice(2))) ?? `errno ${line.slice(2)}`}`;
      }
      return undefined;
    },
  };
}
