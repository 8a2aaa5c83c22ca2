/** Approval routes: list and show (admin, auditor); approve and reject (admin only). */
import { PhasegateError } from '../../errors.js';
import type { ApprovalRecord } from '../types.js';
import { approvalDetails } from './approval-details.js';
import { decidedBy } from './decider.js';
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';
import { parseText } from './requests.js';

const STATUSES = new Set(['pending', 'approved', 'rejected', 'all']);

export function approvalRoutes({ service }: RouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/approvals',
      access: ['admin', 'auditor'],
      handle: (ctx) => {
        const status = ctx.query.get('status') ?? 'pending';
        if (!STATUSES.has(status)) throw new PhasegateError('invalid_request', 'status must be pending, approved, rejected or all', { path: 'status' });
        const approvals = service.listApprovals(status === 'all' ? undefined : (status as ApprovalRecord['status']));
        return { json: { approvals } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/approvals/:id',
      access: ['admin', 'auditor'],
      handle: (ctx) => {
        const approval = service.listApprovals().find((a) => a.id === ctx.params.id);
        if (approval === undefined) throw new PhasegateError('not_found', `no approval ${JSON.stringify(ctx.params.id)}`);
        return { json: approvalDetails(service, approval) };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/approvals/:id/approve',
      access: ['admin'],
      handle: async (ctx) => {
        const note = parseText(await ctx.body(), 'note', false);
        return { json: { approval: await service.approve(ctx.params.id ?? '', note, decidedBy(ctx)) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/approvals/:id/reject',
      access: ['admin'],
      handle: async (ctx) => {
        const reason = parseText(await ctx.body(), 'reason', true) as string;
        return { json: { approval: await service.reject(ctx.params.id ?? '', reason, decidedBy(ctx)) } };
      },
    },
  ];
}
