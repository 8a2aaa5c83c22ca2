/** What route handlers need: the engine, the loaded contract, the token issuer, the metrics and the denials feed. */
import type { CompiledContract } from '../../contract/types.js';
import type { TokenIssuer } from '../../tokens/types.js';
import type { DenialFeed } from '../denial-feed.js';
import type { CoordinatorService } from '../types.js';
import type { CoordinatorMetrics } from './metrics.js';

export interface RouteDeps {
  readonly service: CoordinatorService;
  readonly contract: CompiledContract;
  readonly issuer: TokenIssuer;
  readonly metrics: CoordinatorMetrics;
  /** Recent refusals reported by sidecars (the dashboard's denials feed). */
  readonly denials: DenialFeed;
}
