/** Artifacts by content hash: what a task's history and an approval name by sha256, as the JSON the agent sent. */
import { PhasegateError } from '../../errors.js';
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';

const SHA256 = /^[0-9a-f]{64}$/;

export function artifactRoutes({ service }: RouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/artifacts/:sha256',
      access: ['admin', 'auditor'],
      handle: (ctx) => {
        const sha256 = ctx.params.sha256 ?? '';
        if (!SHA256.test(sha256)) throw new PhasegateError('invalid_request', 'sha256 must be 64 lowercase hex digits', { path: 'sha256' });
        const artifact = service.artifact(sha256);
        if (artifact === undefined) throw new PhasegateError('not_found', `no artifact ${sha256}`);
        return { json: { sha256, artifact } };
      },
    },
  ];
}
