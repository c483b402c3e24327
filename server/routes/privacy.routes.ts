// Each person's own data (API.md): the export of everything held about them, and erasure. The token is
// the only credential: unknown and malformed tokens are the same 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { TokenParams } from '../modules/registrations/registrations.schemas.ts';
import { ErasureResultSchema, PersonalDataSchema } from '../modules/privacy/privacy.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const privacyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/registrations/:token/personal-data',
    {
      schema: {
        tags: ['public'],
        summary: 'Everything held about the person behind the token (all their registrations), as JSON',
        params: TokenParams,
        response: { 200: PersonalDataSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const data = await app.services.privacy.exportFor(req.params.token);
      return reply
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-disposition', 'attachment; filename="officina-dati-personali.json"')
        .send(data);
    },
  );

  app.delete(
    '/registrations/:token/personal-data',
    {
      schema: {
        tags: ['public'],
        summary: 'Erase (anonymise) the personal data of the person behind the token; registrations of cycles not yet ended are cancelled first',
        params: TokenParams,
        response: { 200: ErasureResultSchema, 404: ErrorSchema },
      },
    },
    async (req) => app.services.privacy.erase(req.params.token),
  );
};
export default privacyRoutes;
