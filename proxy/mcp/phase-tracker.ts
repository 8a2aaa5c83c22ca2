/**
 * Follows the task's phase for the bridge: the rules of the current phase (one
 * `contract.describe` per phase, concurrent readers share it) and a callback on every
 * change, whatever revealed it — our own transition, a `phase.changed` notification (an
 * approval), a token refresh or the status read after a reconnect.
 */
import type { AgentClient } from '../../sdk/index.js';
import { phaseRulesFrom, type PhaseRules } from './phase-rules.js';

export class PhaseTracker {
  private rules: PhaseRules | undefined;
  private loading: Promise<PhaseRules | undefined> | undefined;
  private announced: string | undefined;

  constructor(
    private readonly client: AgentClient,
    private readonly onChange: (phase: string) => void,
  ) {
    this.announced = client.phase;
    client.on((n) => {
      if (n.method === 'phase.changed') this.check();
    });
  }

  /** Compares the client's phase with the last one announced; announces a change once. */
  check(): void {
    const phase = this.client.phase;
    if (phase === undefined || phase === this.announced) return;
    this.announced = phase;
    this.onChange(phase);
  }

  /** The current phase's rules; undefined when the sidecar cannot say (e.g. the claim ended). */
  async current(): Promise<PhaseRules | undefined> {
    this.check();
    const phase = this.client.phase;
    if (this.rules !== undefined && this.rules.phase === phase) return this.rules;
    this.loading ??= this.client
      .describe()
      .then((d) => (this.rules = phaseRulesFrom(d)), () => undefined)
      .finally(() => (this.loading = undefined));
    const rules = await this.loading;
    // The describe may have run against a token newer than the phase we had: follow it.
    this.check();
    return rules;
  }
}
