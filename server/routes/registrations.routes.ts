import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientKey } from '../lib/client-address.ts';
import { requestLocale } from '../lib/locale.ts';
import { SlugParams } from '../modules/cycles/cycles.schemas.ts';
import { RegistrationWithCycle } from '../modules/participant/participant.schemas.ts';
import { ManageTokenRotation, RegisterBody, RegistrationEnvelope, TokenParams } from '../modules/registrations/registrations.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const registrationsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/cycles/:slug/registrations',
    {
      schema: {
        tags: ['public'],
        summary: 'Sign up for a cycle (confirmed, or waitlisted when full)',
        params: SlugParams,
        body: RegisterBody,
        response: { 201: RegistrationEnvelope, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req, reply) => {
      // Under a crowd this waits for its turn in the sign-up queue (up to SIGNUP_QUEUE_WAIT_MS).
      const { registration } = await app.services.registrations.register(req.params.slug, req.body, requestLocale(req), clientKey(req.ip));
      return reply.code(201).send({ registration });
    },
  );

  app.get(
    '/registrations/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'A registration seen through its private token',
        params: TokenParams,
        response: { 200: RegistrationWithCycle, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'private, no-store');
      return app.services.participant.get(req.params.token, requestLocale(req));
    },
  );

  app.post(
    '/registrations/:token/cancel',
    {
      schema: {
        tags: ['public'],
        summary: 'Cancel a registration; the first on the waiting list takes the seat',
        params: TokenParams,
        response: { 200: RegistrationEnvelope, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req) => {
      const { registration } = await app.services.registrations.cancel(req.params.token, req.ip);
      return { registration };
    },
  );

  app.post(
    '/registrations/:token/manage-token',
    {
      schema: {
        tags: ['public'],
        summary: 'New address for "my registration" (and a new check-in QR); the old link answers 404 everywhere',
        params: TokenParams,
        response: { 200: ManageTokenRotation, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'private, no-store');
      return app.services.registrations.rotateManageToken(req.params.token);
    },
  );
};
export default registrationsRoutes;
