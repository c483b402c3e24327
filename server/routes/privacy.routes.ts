// Personal data (docs/http-api.md): a manage token reaches its own registration's data only (export, erasure);
// everything held about a person goes through a one-time link mailed to the address, requested like
// "send me my links" (same answer whether or not the address is known). Tokens are the only credential:
// unknown, malformed, expired and used tokens are the same 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { text } from '../lib/i18n.ts';
import { requestLocale } from '../lib/locale.ts';
import { PERSONAL_DATA_REQUEST_ACCEPTED } from '../modules/privacy/privacy.service.ts';
import { ErasureResultSchema, PersonalDataRequestAccepted, PersonalDataSchema, RegistrationDataSchema } from '../modules/privacy/privacy.schemas.ts';
import { PersonFields, TokenParams } from '../modules/registrations/registrations.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const PRIVATE = { 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' };

const privacyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/registrations/:token/personal-data',
    {
      schema: {
        tags: ['public'],
        summary: 'Everything held about the registration behind the token (that registration only), as JSON',
        params: TokenParams,
        response: { 200: RegistrationDataSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const data = await app.services.privacy.exportRegistration(req.params.token);
      return reply.headers(PRIVATE).header('content-disposition', 'attachment; filename="officina-dati-iscrizione.json"').send(data);
    },
  );

  app.delete(
    '/registrations/:token/personal-data',
    {
      schema: {
        tags: ['public'],
        summary: 'Erase (anonymise) the personal data of the registration behind the token, cancelling it first if its cycle has not ended',
        params: TokenParams,
        response: { 200: ErasureResultSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => reply.headers(PRIVATE).send(await app.services.privacy.eraseRegistration(req.params.token)),
  );

  app.post(
    '/personal-data/requests',
    {
      schema: {
        tags: ['public'],
        summary: 'Email me a one-time link to all my data (same answer whether or not the address is known)',
        body: z.object({ email: PersonFields.email }),
        response: { 202: PersonalDataRequestAccepted, 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      await app.services.privacy.requestPersonLink(req.body.email, req.ip);
      reply.header('cache-control', 'no-store');
      return reply.code(202).send({ status: 'accepted' as const, message: text(requestLocale(req), PERSONAL_DATA_REQUEST_ACCEPTED) });
    },
  );

  app.get(
    '/personal-data/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'Everything held about the person (all registrations, mails to the address), through the one-time link',
        params: TokenParams,
        response: { 200: PersonalDataSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const data = await app.services.privacy.exportPerson(req.params.token);
      return reply.headers(PRIVATE).header('content-disposition', 'attachment; filename="officina-dati-personali.json"').send(data);
    },
  );

  app.delete(
    '/personal-data/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'Erase the person everywhere (every registration, cancelling those of cycles not ended); uses the one-time link up',
        params: TokenParams,
        response: { 200: ErasureResultSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => reply.headers(PRIVATE).send(await app.services.privacy.erasePerson(req.params.token)),
  );
};
export default privacyRoutes;
