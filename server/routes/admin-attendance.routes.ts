// Organiser API: the meetings of the day, and attendance of one meeting — the roster, ticking names
// (one by one or everyone not yet marked), scanning a participant's QR, and the short code participants
// type on their phones (their side is check-in.routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CheckInCodeSchema,
  DaySchema,
  MarkAllSchema,
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
    '/sessions/today',
    {
      // Names no object: it lists only the meetings of the caller's own cycles (all for administrators).
      config: { access: 'any' },
      schema: {
        tags: adminTags,
        summary: "Today's meetings of the cycles I run (Europe/Rome day), with present and expected, and the next ones",
        response: { 200: DaySchema, 401: ErrorSchema },
      },
    },
    async (req) => app.services.attendance.day(authOf(req).account),
  );

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
        summary: 'Mark one person present or absent at a meeting (roster), or null: not marked again',
        params: MarkParams,
        body: MarkBody,
        response: { 200: MarkSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.attendance.mark(req.params.id, req.params.registrationId, req.body.present, authOf(req).account.id),
  );

  app.post(
    '/sessions/:id/attendance/all-present',
    {
      config: { access: { session: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Mark present everyone with a seat who has no mark yet at this meeting, in one write',
        params: SessionParams,
        response: { 200: MarkAllSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.attendance.markAllPresent(req.params.id, authOf(req).account.id),
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
