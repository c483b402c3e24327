// Sign-up and cancellation: the rules that decide who holds a seat. Everything that makes a seat less
// available locks the cycle first, checks second and writes third, in one transaction; freeing a seat
// and promoting the head of the waiting list happen in the same transaction (DESIGN.md, rule 4).
import type { Kysely, Transaction } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import { randomUUID } from 'node:crypto';
import { hashToken, isWellFormedToken, type TokenKit } from '../../lib/tokens.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { cycleStatus, toCycleView } from '../cycles/cycles.service.ts';
import type { CycleView } from '../cycles/cycles.schemas.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import { certificateSummary } from '../certificates/certificates.service.ts';
import { materialsForRegistration } from '../materials/materials.access.ts';
import type { MaterialView } from '../materials/materials.schemas.ts';
import type { RegistrationLimits } from './registrations.limits.ts';
import * as repo from './registrations.repository.ts';
import type { RegistrationRecord } from './registrations.repository.ts';
import type { RegisterInput, RegistrationView } from './registrations.schemas.ts';

export function manageUrl(publicUrl: string, token: string) {
  return `${publicUrl}/iscrizione/${token}`;
}
export function calendarUrl(publicUrl: string, token: string) {
  return `${publicUrl}/ical/registrations/${token}.ics`;
}
/** The same feed for "subscribe" links: calendar apps open webcal:// as a subscription, not a download. */
export function webcalUrl(httpUrl: string) {
  return httpUrl.replace(/^https?:\/\//, 'webcal://');
}

export interface RegistrationsDeps {
  db: Kysely<Database>;
  publicUrl: string;
  privacyVersion: string;
  tokens: TokenKit;
  /** Sign-ups and cancellations per email and client address (429 rate_limited). */
  limits: RegistrationLimits;
  notifier?: Notifier;
  clock?: () => Date;
  /**
   * Test seam, never set by the app: skip the cycle lock so the concurrency tests can show the race it
   * prevents. Without it, the count-then-insert below would oversell.
   */
  unsafeSkipLock?: boolean;
}

export function registrationsService(deps: RegistrationsDeps) {
  const { db, publicUrl, tokens } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifier = deps.notifier ?? silentNotifier;

  function view(r: RegistrationRecord, position: number | null): RegistrationView {
    const feed = calendarUrl(publicUrl, tokens.token('calendar', r.id, r.calendar_token_version));
    return {
      id: r.id,
      status: r.status,
      waitlistPosition: r.status === 'waitlisted' ? position : null,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      organisation: r.organisation,
      role: r.role,
      network: r.network,
      locale: r.locale,
      createdAt: new Date(r.created_at).toISOString(),
      confirmedAt: r.confirmed_at ? new Date(r.confirmed_at).toISOString() : null,
      cancelledAt: r.cancelled_at ? new Date(r.cancelled_at).toISOString() : null,
      manageUrl: manageUrl(publicUrl, tokens.token('manage', r.id, r.token_version)),
      calendarUrl: feed,
      webcalUrl: webcalUrl(feed),
    };
  }

  async function lockCycle(trx: Transaction<Database>, slug: string) {
    if (deps.unsafeSkipLock) return cyclesRepo.findPublishedBySlug(trx, slug);
    return cyclesRepo.lockPublishedBySlug(trx, slug);
  }

  async function positionOf(db_: Kysely<Database> | Transaction<Database>, r: RegistrationRecord) {
    return r.status === 'waitlisted' ? repo.waitlistPosition(db_, r.cycle_id, r.seq) : null;
  }

  return {
    async register(slug: string, input: RegisterInput, requestLocale: Locale, client: string) {
      const locale = input.locale ?? requestLocale;
      await deps.limits.signUp(input.email, client);
      return db.transaction().execute(async (trx) => {
        const now = clock();
        const cycle = await lockCycle(trx, slug);
        if (!cycle) throw errors.cycleNotFound();
        const status = cycleStatus(cycle, now);
        if (status === 'past') throw errors.registrationClosed('ended');
        if (status === 'upcoming') throw errors.registrationClosed('not_yet_open');
        if (status === 'closed') throw errors.registrationClosed('closed');

        const participantId = await repo.upsertParticipant(trx, input.email, locale);
        if (await repo.findActive(trx, cycle.id, participantId)) throw errors.alreadyRegistered();

        let seatStatus: 'confirmed' | 'waitlisted';
        if (cycle.capacity - cycle.seats_taken > 0) seatStatus = 'confirmed';
        else if (cycle.waitlist_enabled) seatStatus = 'waitlisted';
        else throw errors.cycleFull();

        const id = randomUUID();
        await repo.insertRegistration(trx, {
          id,
          cycleId: cycle.id,
          participantId,
          status: seatStatus,
          firstName: input.firstName,
          lastName: input.lastName,
          organisation: input.organisation,
          role: input.role,
          network: input.network,
          tokenHash: tokens.issue('manage', id, 1).hash,
          calendarTokenHash: tokens.issue('calendar', id, 1).hash,
          locale,
          consentVersion: deps.privacyVersion,
          now,
        });
        await notifier.registrationCreated(trx, id);
        const record = (await repo.findById(trx, id))!;
        // With the cycle locked the counter is exact, so the newcomer is simply last in line.
        const position =
          seatStatus === 'waitlisted' ? (deps.unsafeSkipLock ? await positionOf(trx, record) : cycle.waitlist_length + 1) : null;
        return { registration: view(record, position) };
      });
    },

    async getByToken(
      token: string,
      locale: Locale,
    ): Promise<{
      registration: RegistrationView;
      cycle: CycleView;
      materials: MaterialView[];
      certificate: { code: string; url: string; verifyUrl: string } | null;
      certificateAvailable: boolean;
      attendance: { sessionId: string; present: boolean }[];
    }> {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      const r = await repo.findByTokenHash(db, hashToken(token));
      if (!r) throw errors.registrationNotFound();
      const now = clock();
      const [cycle, sessions, position, materials, certificate, attendance] = await Promise.all([
        cyclesRepo.findById(db, r.cycle_id),
        cyclesRepo.sessionsOf(db, [r.cycle_id]),
        positionOf(db, r),
        materialsForRegistration(db, publicUrl, r, token),
        certificateSummary(db, publicUrl, r.id, token, now),
        repo.attendanceOf(db, r.id),
      ]);
      return {
        registration: view(r, position),
        // The link to join online is for a confirmed seat only (not the waiting list, not after cancelling).
        cycle: toCycleView(cycle!, sessions, now, locale, r.status === 'confirmed' ? 'shown' : 'hidden'),
        materials,
        certificate: certificate.certificate,
        certificateAvailable: certificate.available,
        attendance: attendance.map((a) => ({ sessionId: a.session_id, present: a.present })),
      };
    },

    /**
     * A new manage link; the old one stops working at once on every route that takes it (view, cancel,
     * personal data, QR, certificate, materials, check-in), because its hash is no longer stored. The
     * check-in QR derives from the same version, so it changes too: whoever saw the old link may have
     * seen the QR. Mails sent from now on carry the new link (they derive it at send time).
     */
    async rotateManageToken(token: string): Promise<{ manageUrl: string }> {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      return db.transaction().execute(async (trx) => {
        const r = await repo.lockByTokenHash(trx, hashToken(token));
        if (!r) throw errors.registrationNotFound();
        const version = r.token_version + 1;
        const issued = tokens.issue('manage', r.id, version);
        await repo.setManageToken(trx, r.id, version, issued.hash);
        return { manageUrl: manageUrl(publicUrl, issued.token) };
      });
    },

    async cancel(token: string, client: string) {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      const found = await repo.findByTokenHash(db, hashToken(token));
      if (!found) throw errors.registrationNotFound();
      await deps.limits.cancel(client);
      return db.transaction().execute(async (trx) => {
        const now = clock();
        const cycle = await cyclesRepo.lockById(trx, found.cycle_id);
        // Read again under the lock: a concurrent cancel of the same token may have won.
        const r = await repo.findByIdForUpdate(trx, found.id);
        if (!cycle || !r) throw errors.registrationNotFound();
        if (r.status === 'cancelled') throw errors.alreadyCancelled();
        if (cycleStatus(cycle, now) === 'past') throw errors.registrationClosed('ended');
        await repo.markCancelled(trx, r.id, 'participant', now);
        await notifier.registrationCancelled(trx, r.id);
        const promoted = r.status === 'confirmed' ? await repo.promoteFromWaitlist(trx, cycle.id, now) : [];
        for (const id of promoted) await notifier.registrationPromoted(trx, id);
        const after = (await repo.findById(trx, r.id))!;
        return { registration: view(after, null), promoted };
      });
    },
  };
}

export type RegistrationsService = ReturnType<typeof registrationsService>;
