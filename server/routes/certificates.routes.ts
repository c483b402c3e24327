// Certificates of attendance: the PDF for the participant behind a token, and the public verification
// of a code (what the /verifica page shows).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ContactSchema } from '../modules/cycles/cycles.schemas.ts';
import { TokenParams } from '../modules/registrations/registrations.schemas.ts';
import { contentDisposition } from '../modules/materials/materials.files.ts';
import { ErrorSchema } from './common.schemas.ts';

const VerificationSchema = z.object({
  code: z.string(),
  name: z.string(),
  cycle: z.object({ slug: z.string(), title: z.string(), contact: ContactSchema.nullable() }),
  firstSessionAt: z.string().describe('Start of the first meeting held'),
  lastSessionAt: z.string().describe('End of the last meeting held'),
  attendedSessions: z.number().int(),
  heldSessions: z.number().int(),
  hours: z.number(),
  credits: z.string().nullable().describe('Training credits of the cycle as written by its organisers, e.g. "6 crediti formativi (CNOAS)"'),
  issuer: z
    .object({
      name: z.string().nullable(),
      signatory: z.object({ name: z.string(), role: z.string().nullable() }).nullable(),
    })
    .describe('The body that issued the certificate and who signed it, as when it was issued'),
  issuedAt: z.string(),
});

const certificatesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/registrations/:token/certificate',
    {
      exposeHeadRoute: false,
      schema: {
        tags: ['public'],
        summary: 'The certificate of attendance as PDF (issued on first request once the cycle has ended and the threshold is met)',
        params: TokenParams,
        querystring: z.object({ lang: z.enum(['it', 'en']).optional() }),
        response: { 200: z.any().describe('application/pdf'), 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { pdf, fileName } = await app.services.certificates.pdf(req.params.token, req.query.lang);
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition('inline', fileName))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .send(pdf);
    },
  );

  app.get(
    '/certificates/:code',
    {
      schema: {
        tags: ['public'],
        summary: 'Verify a certificate from its code: name, cycle, dates, attendance, credits and issuer only',
        params: z.object({ code: z.string() }),
        response: { 200: VerificationSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return app.services.certificates.verify(req.params.code);
    },
  );
};
export default certificatesRoutes;
