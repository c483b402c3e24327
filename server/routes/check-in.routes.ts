// The participant's side of attendance: self check-in with the code shown in the room, and the QR
// image of their registration (for their page and e-mails). Both take the manage token: no account.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QrImageQuery, SelfCheckInBody, SelfCheckInSchema, SessionParams } from '../modules/attendance/attendance.schemas.ts';
import { TokenParams } from '../modules/registrations/registrations.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const checkInRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/sessions/:id/check-in',
    {
      schema: {
        tags: ['public'],
        summary: 'Self check-in: the manage token and the code shown during the meeting',
        params: SessionParams,
        body: SelfCheckInBody,
        response: { 200: SelfCheckInSchema, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req) => app.services.attendance.selfCheckIn(req.params.id, req.body.token, req.body.code),
  );

  app.get(
    '/registrations/:token/qr',
    {
      schema: {
        tags: ['public'],
        summary: 'The check-in QR code of a registration (SVG, or PNG with ?format=png)',
        params: TokenParams,
        querystring: QrImageQuery,
        response: { 200: z.any().describe('image/svg+xml or image/png'), 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const image = await app.services.attendance.qrImage(req.params.token, req.query.format);
      return reply
        .type(req.query.format === 'png' ? 'image/png' : 'image/svg+xml')
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(image);
    },
  );
};
export default checkInRoutes;
