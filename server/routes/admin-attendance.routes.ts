// Organiser API: attendance of one meeting — the roster, ticking names, scanning a participant's QR,
// and the short code participants type on their phones (their side is check-in.routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CheckInCodeSchema,
  MarkBody,
  MarkParams,
  MarkSchema,
  QrBody,
  QrCheckInSchema,
  RosterSchema,
  SessionParams,
} from '../modules/attendance/attendance.schemas.ts';
import { authOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, ErrorSchema } from './common.schemas.ts';

const adminAttendanceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/sessions/:id/attendance',
    {
      config: { access: { session: 'id' } },
      schema: { tags: adminTags, summary: 'The roster of a meeting with each mark', params: SessionParams, response: { 200: RosterSchema, ...accessDenied } },
    },
    async (req) => app.services.attendance.roster(req.params.id),
  );

  app.put(
    '/sessions/:id/attendance/:registrationId',
    {
      config: { access: { session: 'id', registration: 'registrationId' } },
      schema: {
        tags: adminTags,
        summary: 'Mark one person present or absent at a meeting (roster)',
        params: MarkParams,
        body: MarkBody,
        response: { 200: MarkSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.attendance.mark(req.params.id, req.params.registrationId, req.body.present, authOf(req).account.id),
  );

  app.post(
    '/sessions/:id/check-in/qr',
    {
      config: { access: { session: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Check in the person whose QR code was scanned',
        params: SessionParams,
        body: QrBody,
        response: { 200: QrCheckInSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.attendance.checkInByQr(req.params.id, req.body.qr, authOf(req).account.id),
  );

  app.get(
    '/sessions/:id/check-in-code',
    {
      config: { access: { session: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'The 6-digit self check-in code of a meeting and when it is accepted',
        params: SessionParams,
        response: { 200: CheckInCodeSchema, ...accessDenied },
      },
    },
    async (req) => app.services.attendance.checkInCode(req.params.id),
  );
};
export default adminAttendanceRoutes;
