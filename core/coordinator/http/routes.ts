/** Every REST route of the coordinator, in one list: the server serves it, the role tests walk it. */
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';
import { agentRoutes } from './routes-agent.js';
import { approvalRoutes } from './routes-approvals.js';
import { artifactRoutes } from './routes-artifacts.js';
import { denialRoutes } from './routes-denials.js';
import { readRoutes } from './routes-read.js';
import { taskRoutes } from './routes-tasks.js';

export function coordinatorRoutes(deps: RouteDeps): Route[] {
  return [...taskRoutes(deps), ...agentRoutes(deps), ...approvalRoutes(deps), ...readRoutes(deps), ...artifactRoutes(deps), ...denialRoutes(deps)];
}
