// Organiser API: the registrations of a cycle with attendance (filtered by status, searched), people
// added by the organiser (walk-ins), corrections of a person's name, and cancellation by the organiser.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AddRegistrationBody,
  AdminRegistrationSchema,
  CorrectedRegistrationSchema,
  CorrectRegistrationBody,
  RegistrationChangeSchema,
  RegistrationListQuery,
} from '../modules/registrations/registrations.manage.schemas.ts';
import { authOf, scopeOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, ErrorSchema, IdParams, managesCycle } from './common.schemas.ts';

const adminRegistrationsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cycles/:id/registrations',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Registrations of a cycle in arrival order, with attendance over the sessions held; q searches name, e-mail and organisation',
        params: IdParams,
        querystring: RegistrationListQuery,
        response: { 200: z.object({ items: z.array(AdminRegistrationSchema) }), ...accessDenied },
      },
    },
    async (req) => ({ items: await app.services.registrationManagement.list(scopeOf(req).cycleId, req.query.status, req.query.q) }),
  );

  app.post(
    '/cycles/:id/registrations',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary:
          'Add a person (walk-in or by the organiser): confirmed if a seat is free, else waiting list or addSeat; presentAt marks them present at a meeting under way',
        params: IdParams,
        body: AddRegistrationBody,
        response: { 201: RegistrationChangeSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req, reply) => {
      const { presentAt } = req.body;
      const arrival = presentAt ? { sessionId: presentAt, markedBy: authOf(req).account.id } : undefined;
      return reply.code(201).send(await app.services.registrationManagement.add(scopeOf(req).cycleId, req.body, arrival));
    },
  );

  app.patch(
    '/registrations/:id',
    {
      config: { access: { registration: 'id' } },
      schema: {
        tags: adminTags,
        summary: "Correct a person's first name, last name or organisation; an issued certificate carries the corrected name",
        params: IdParams,
        body: CorrectRegistrationBody,
        response: { 200: CorrectedRegistrationSchema, 400: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.registrationManagement.correct(scopeOf(req).cycleId, req.params.id, req.body),
  );

  app.post(
    '/registrations/:id/cancel',
    {
      config: { access: { registration: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Cancel a registration; a freed seat goes to the head of the waiting list',
        params: IdParams,
        response: { 200: RegistrationChangeSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.registrationManagement.cancel(scopeOf(req).cycleId, req.params.id),
  );
};
export default adminRegistrationsRoutes;
