/** What every coordinator operation works with: the store, the contract, tokens, the clock, and `mutate`. */
import type { CompiledContract, CompiledWorkflow } from '../contract/types.js';
import { PhasegateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TokenIssuer, TokenVerifier } from '../tokens/types.js';
import type { EventPublisher } from './events.js';
import type { Committed, GroupCommit } from './group-commit.js';
import type { Store } from './store.js';
import { beginTx, type WriteTx } from './write-tx.js';

export interface Engine {
  readonly store: Store;
  readonly contract: CompiledContract;
  readonly issuer: TokenIssuer;
  readonly verifier: TokenVerifier;
  readonly now: () => number;
  readonly leaseMs: number;
  readonly logger: Logger;
  /**
   * Runs `fn` as one all-or-nothing operation in the next group commit. Resolves at commit
   * with its value; `durable` resolves once it is on disk and its events are published.
   * If `fn` throws, nothing it wrote is kept and the promise rejects with that error.
   */
  mutate<T>(fn: (tx: WriteTx) => T): Promise<Committed<T>>;
}

export function createEngine(parts: Omit<Engine, 'mutate'> & { commits: GroupCommit; publisher: EventPublisher }): Engine {
  const { commits, publisher, ...rest } = parts;
  return {
    ...rest,
    mutate<T>(fn: (tx: WriteTx) => T): Promise<Committed<T>> {
      let tx: WriteTx | undefined;
      return commits.write(
        () => fn((tx = beginTx(rest.store, rest.now()))),
        () => tx && publisher.publish(tx.events),
      );
    },
  };
}

/** The task's workflow; a task naming a workflow the loaded contract lacks cannot move (changed contract). */
export function workflowOf(contract: CompiledContract, name: string): CompiledWorkflow {
  const wf = contract.workflows.get(name);
  if (wf === undefined) throw new PhasegateError('conflict', `workflow "${name}" is not in the loaded contract`);
  return wf;
}
