// Organiser API: cycles (drafts, publication, capacity) and who organises which cycle (themes: admin-themes.routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestLocale } from '../lib/locale.ts';
import { AdminCycleSchema, CreateCycleBody, CycleUpdatedSchema, UpdateCycleBody } from '../modules/cycles/cycles.manage.schemas.ts';
import { authOf, scopeOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, ErrorSchema, IdParams, managesCycle } from './common.schemas.ts';

const adminCyclesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cycles',
    {
      config: { access: 'any' },
      schema: {
        tags: adminTags,
        summary: 'The cycles I run (every cycle for administrators), drafts included, with counts',
        querystring: z.object({ lang: z.enum(['it', 'en']).optional() }),
        response: { 200: z.object({ items: z.array(AdminCycleSchema) }), 401: ErrorSchema },
      },
    },
    async (req) => ({ items: await app.services.cycleManagement.list(authOf(req).account, requestLocale(req)) }),
  );

  app.post(
    '/cycles',
    {
      config: { access: 'any' },
      schema: {
        tags: adminTags,
        summary: 'Create a cycle as a draft; its creator is assigned to it',
        body: CreateCycleBody,
        response: { 201: AdminCycleSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req, reply) => {
      const cycle = await app.services.cycleManagement.create(authOf(req).account, req.body, requestLocale(req));
      return reply.code(201).send(cycle);
    },
  );

  app.get(
    '/cycles/:id',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'One cycle with its sessions, counts and organisers',
        params: IdParams,
        response: { 200: AdminCycleSchema, ...accessDenied },
      },
    },
    async (req) => app.services.cycleManagement.get(scopeOf(req).cycleId, requestLocale(req)),
  );

  app.patch(
    '/cycles/:id',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Change a cycle: texts, window, capacity (a raise confirms the waiting list in order), publication',
        description:
          'With ?dryRun=true the change is checked and made, then rolled back: the answer (or the error) is what it would be, ' +
          'promoted lists who a capacity raise would confirm, and nothing is kept and nobody is told.',
        params: IdParams,
        querystring: z.object({ dryRun: z.enum(['true', 'false']).optional(), lang: z.enum(['it', 'en']).optional() }),
        body: UpdateCycleBody,
        response: { 200: CycleUpdatedSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.cycleManagement.update(scopeOf(req).cycleId, req.body, requestLocale(req), { dryRun: req.query.dryRun === 'true' }),
  );

  const OrganiserParams = z.object({ id: z.string().max(64), accountId: z.string().max(64) });

  app.put(
    '/cycles/:id/organisers/:accountId',
    {
      config: { access: { role: 'administrator', cycle: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Assign an account to a cycle (administrators)',
        params: OrganiserParams,
        response: { 200: AdminCycleSchema, ...accessDenied },
      },
    },
    async (req) => {
      await app.services.cycleManagement.assignOrganiser(scopeOf(req).cycleId, req.params.accountId);
      return app.services.cycleManagement.get(scopeOf(req).cycleId, requestLocale(req));
    },
  );

  app.delete(
    '/cycles/:id/organisers/:accountId',
    {
      config: { access: { role: 'administrator', cycle: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Remove an account from a cycle (administrators)',
        params: OrganiserParams,
        response: { 204: z.null(), ...accessDenied },
      },
    },
    async (req, reply) => {
      await app.services.cycleManagement.unassignOrganiser(scopeOf(req).cycleId, req.params.accountId);
      return reply.code(204).send(null);
    },
  );
};
export default adminCyclesRoutes;
