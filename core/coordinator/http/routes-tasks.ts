/** Task routes: create, pause, resume, cancel (admin); list and show (admin, auditor). */
import { PhasegateError } from '../../errors.js';
import type { TaskRecord } from '../types.js';
import { decidedBy } from './decider.js';
import type { RouteDeps } from './route-deps.js';
import type { Route } from './router.js';
import { parseNewTask, parseText } from './requests.js';

export function taskRoutes({ service }: RouteDeps): Route[] {
  const find = (id: string | undefined): TaskRecord => {
    const task = id === undefined ? undefined : service.getTask(id);
    if (task === undefined) throw new PhasegateError('not_found', `no task ${JSON.stringify(id)}`);
    return task;
  };
  return [
    {
      method: 'POST',
      path: '/api/v1/tasks',
      access: ['admin'],
      handle: async (ctx) => ({ status: 201, json: { task: await service.createTask(parseNewTask(await ctx.body())) } }),
    },
    { method: 'GET', path: '/api/v1/tasks', access: ['admin', 'auditor'], handle: () => ({ json: { tasks: service.listTasks() } }) },
    { method: 'GET', path: '/api/v1/tasks/:id', access: ['admin', 'auditor'], handle: (ctx) => ({ json: { task: find(ctx.params.id) } }) },
    {
      method: 'POST',
      path: '/api/v1/tasks/:id/pause',
      access: ['admin'],
      handle: async (ctx) => {
        const reason = parseText(await ctx.body(), 'reason', true) as string;
        return { json: { task: await service.pause(find(ctx.params.id).id, reason) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/tasks/:id/resume',
      access: ['admin'],
      handle: async (ctx) => {
        parseText(await ctx.body(), 'reason', false);
        return { json: { task: await service.resume(find(ctx.params.id).id) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/tasks/:id/cancel',
      access: ['admin'],
      handle: async (ctx) => {
        const reason = parseText(await ctx.body(), 'reason', true) as string;
        return { json: { task: await service.cancel(find(ctx.params.id).id, reason, decidedBy(ctx)) } };
      },
    },
  ];
}
