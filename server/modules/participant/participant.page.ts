// "My registration" (GET /api/registrations/:token): what a person reads through their private link,
// gathered from the modules that own each part: the registration and its cycle, the materials they may
// see, their certificate, their attendance marks. It sits above those modules so that none of them
// imports another's view (materials and certificates depend on registrations, not the other way round).
import type { Kysely } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import { calendarLinks } from '../../lib/calendar.links.ts';
import { errors } from '../../lib/errors.ts';
import { t } from '../../lib/i18n.ts';
import { hashToken, isWellFormedToken, type TokenKit } from '../../lib/tokens.ts';
import { marksOfRegistration } from '../attendance/attendance.repository.ts';
import { certificateSummary } from '../certificates/certificates.service.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import type { Contact } from '../cycles/cycles.schemas.ts';
import { toCycleView } from '../cycles/cycles.service.ts';
import { materialsForRegistration } from '../materials/materials.access.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import { positionOf, toRegistrationView } from '../registrations/registrations.service.ts';
import type { ParticipantPageView } from './participant.schemas.ts';

export interface ParticipantPageDeps {
  db: Kysely<Database>;
  publicUrl: string;
  tokens: TokenKit;
  /** The contact of cycles that name none (config.programmeContact). */
  programmeContact: Contact | null;
  clock?: () => Date;
}

export function participantPage(deps: ParticipantPageDeps) {
  const { db, publicUrl, tokens } = deps;
  const clock = deps.clock ?? (() => new Date());

  return {
    async get(token: string, locale: Locale): Promise<ParticipantPageView> {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      const r = await registrationsRepo.findByTokenHash(db, hashToken(token));
      if (!r) throw errors.registrationNotFound();
      const now = clock();
      const [cycle, sessions, position, materials, certificate, attendance] = await Promise.all([
        cyclesRepo.findById(db, r.cycle_id),
        cyclesRepo.sessionsOf(db, [r.cycle_id]),
        positionOf(db, r),
        materialsForRegistration(db, publicUrl, r, token),
        certificateSummary(db, publicUrl, r.id, token, now),
        marksOfRegistration(db, r.id),
      ]);
      const registration = toRegistrationView(publicUrl, tokens, r, position);
      return {
        registration,
        // The link to join online is for a confirmed seat only (not the waiting list, not after cancelling).
        cycle: toCycleView(cycle!, sessions, now, locale, r.status === 'confirmed' ? 'shown' : 'hidden', deps.programmeContact),
        materials,
        certificate: certificate.certificate,
        certificateAvailable: certificate.available,
        attendance: attendance.map((a) => ({ sessionId: a.session_id, present: a.present })),
        outcome: certificate.outcome,
        // Named in the registration's language, as the feed names itself (calendars.service.ts).
        calendar: calendarLinks(registration.calendarUrl!, t(r.locale, 'calendar_registration_name', { cycle: cycle!.title })),
      };
    },
  };
}

export type ParticipantPage = ReturnType<typeof participantPage>;
