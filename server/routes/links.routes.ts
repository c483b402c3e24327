// "Send me my links" (docs/http-api.md): always 202 with the same body, whether or not the address is known.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { text } from '../lib/i18n.ts';
import { requestLocale } from '../lib/locale.ts';
import { ACCEPTED } from '../modules/links/links.service.ts';
import { PersonFields } from '../modules/registrations/registrations.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const LinksBody = z.object({ email: PersonFields.email });

const linksRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/links',
    {
      schema: {
        tags: ['public'],
        summary: 'Email me the links to my registrations (same answer whether or not the address is known)',
        body: LinksBody,
        response: { 202: z.object({ status: z.literal('accepted'), message: z.string() }), 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      await app.services.links.request(req.body.email, req.ip);
      reply.header('cache-control', 'no-store');
      return reply.code(202).send({ status: 'accepted' as const, message: text(requestLocale(req), ACCEPTED) });
    },
  );
};
export default linksRoutes;
