// Organiser API: adding and changing meetings. The rules (cycle lock, iCal SEQUENCE, notifications)
// live in the sessions service; this only checks who may do it (the route's access rule).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SessionSchema } from '../modules/cycles/cycles.schemas.ts';
import { NewSessionBody, SessionPatchBody } from '../modules/sessions/sessions.schemas.ts';
import { scopeOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, ErrorSchema, IdParams, managesCycle } from './common.schemas.ts';

const SessionResultSchema = SessionSchema.extend({
  /** iCalendar SEQUENCE after the change. */
  sequence: z.number().int(),
  /** What people were told: moved, cancelled, updated (title only), or null when nothing changed. */
  change: z.enum(['moved', 'cancelled', 'updated']).nullable(),
});

const adminSessionsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/cycles/:id/sessions',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Add a meeting to a cycle',
        params: IdParams,
        body: NewSessionBody,
        response: { 201: SessionResultSchema, 400: ErrorSchema, ...accessDenied },
      },
    },
    async (req, reply) => {
      const r = await app.services.sessions.addSession(scopeOf(req).cycleId, req.body);
      return reply.code(201).send({ ...r.session, sequence: r.sequence, change: r.change });
    },
  );

  app.patch(
    '/sessions/:id',
    {
      config: { access: { session: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Change a meeting: time, place, title, or status "cancelled" (everyone registered is told)',
        params: IdParams,
        body: SessionPatchBody,
        response: { 200: SessionResultSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => {
      const r = await app.services.sessions.changeSession(req.params.id, req.body);
      return { ...r.session, sequence: r.sequence, change: r.change };
    },
  );
};
export default adminSessionsRoutes;
