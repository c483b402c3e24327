// Each person's own data: the export of everything held about them, erasure on request, and the
// retention rule that anonymises the data of cycles that ended long ago.
//
// What anonymisation keeps, and why: the reports of a programme count registrations by status,
// attendance per meeting, and participants by territorial network and by organisation (stats service,
// CSV export). Those counts must not change when people are erased, so registration rows stay with
// their status and dates, attendance rows stay, and organisation and network stay on the row: they
// name public bodies (a municipality, an "ambito" of municipalities) shared by many participants, not
// a person. Everything that identifies the person goes: names, e-mail address (the participant row),
// role, the links (tokens), the certificate's name, the address in the send log and the links throttle.
// Each anonymised registration is moved to its own empty participant, so the rows left behind can't be
// linked to each other either.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import { hashToken, isWellFormedToken } from '../../lib/tokens.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { cycleStatus } from '../cycles/cycles.service.ts';
import { emailKey } from '../links/links.service.ts';
import * as linksRepo from '../links/links.repository.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import { cancelLocked } from '../registrations/registrations.cancel.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import * as repo from './privacy.repository.ts';
import type { PersonalData } from './privacy.schemas.ts';

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

/** Registrations anonymised per transaction by the retention job. */
const RETENTION_BATCH = 500;
/** The links throttle looks back one hour; its rows (IP addresses) are kept one day at most. */
const LINK_REQUESTS_KEPT_MS = 24 * 3_600_000;

export interface PrivacyDeps {
  db: Kysely<Database>;
  /** The server secret (the links throttle keys addresses with it). */
  secret: Buffer;
  retentionMonths: number;
  notifier?: Notifier;
  clock?: () => Date;
}

export function privacyService(deps: PrivacyDeps) {
  const { db, secret } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifier = deps.notifier ?? silentNotifier;

  async function byToken(token: string) {
    if (!isWellFormedToken(token)) throw errors.registrationNotFound();
    const r = await registrationsRepo.findByTokenHash(db, hashToken(token));
    if (!r) throw errors.registrationNotFound();
    return r;
  }

  return {
    /** GET /api/registrations/:token/personal-data: the person behind the token, in every cycle. */
    async exportFor(token: string): Promise<PersonalData> {
      const found = await byToken(token);
      const person = (await repo.participant(db, found.participant_id))!;
      const regs = await repo.registrationsOf(db, person.id);
      const ids = regs.map((r) => r.id);
      const [marks, failures, certificates, notices, mail, requests] = await Promise.all([
        repo.attendanceOf(db, ids),
        repo.checkInFailuresOf(db, ids),
        repo.certificatesOf(db, ids),
        repo.notices(db, [...new Set(regs.map((r) => r.consent_version))]),
        repo.mailOf(db, ids, person.email),
        person.email ? repo.linkRequestsOf(db, emailKey(secret, person.email)) : Promise.resolve([]),
      ]);
      const noticeOf = new Map(notices.map((n) => [n.version, n]));
      return {
        exportedAt: iso(clock()),
        participant: { email: person.email, locale: person.locale, createdAt: iso(person.created_at) },
        registrations: regs.map((r) => {
          const cert = certificates.find((c) => c.registration_id === r.id);
          return {
            id: r.id,
            cycle: { slug: r.cycle_slug, title: r.cycle_title },
            status: r.status,
            firstName: r.first_name,
            lastName: r.last_name,
            organisation: r.organisation,
            role: r.role,
            network: r.network,
            locale: r.locale,
            source: r.source,
            createdAt: iso(r.created_at),
            confirmedAt: isoOrNull(r.confirmed_at),
            cancelledAt: isoOrNull(r.cancelled_at),
            cancelledBy: r.cancelled_by,
            attendance: marks
              .filter((m) => m.registration_id === r.id)
              .map((m) => ({ sessionId: m.session_id, sessionTitle: m.title, startsAt: iso(m.starts_at), present: m.present, method: m.method, markedAt: iso(m.marked_at) })),
            checkInFailures: failures.filter((f) => f.registration_id === r.id).map((f) => ({ sessionId: f.session_id, at: iso(f.at) })),
            certificate: cert
              ? {
                  code: cert.code,
                  name: cert.name,
                  attendedSessions: cert.attended_sessions,
                  heldSessions: cert.held_sessions,
                  hours: Number(cert.hours),
                  issuedAt: iso(cert.issued_at),
                }
              : null,
          };
        }),
        consents: regs.map((r) => {
          const n = noticeOf.get(r.consent_version);
          return {
            registrationId: r.id,
            version: r.consent_version,
            acceptedAt: iso(r.consent_at),
            notice: n ? { publishedAt: iso(n.published_at), summaryIt: n.summary_it, summaryEn: n.summary_en, textSha256: n.text_sha256 } : null,
          };
        }),
        mail: mail.map((m) => ({
          registrationId: m.registration_id,
          template: m.template,
          recipient: m.recipient,
          subject: m.subject,
          status: m.status,
          createdAt: iso(m.created_at),
          sentAt: isoOrNull(m.sent_at),
        })),
        linkRequests: requests.map((q) => ({ at: iso(q.at) })),
      };
    },

    /**
     * DELETE /api/registrations/:token/personal-data: erases the person behind the token, in every cycle.
     * A registration of a cycle that has not ended is cancelled first, and its seat goes to the head of
     * the waiting list in the same transaction (with the cycle locked, as every seat change).
     */
    async erase(token: string): Promise<{ erased: true; registrations: number; cancelled: number }> {
      const found = await byToken(token);
      return db.transaction().execute(async (trx) => {
        const now = clock();
        const regs = await repo.registrationsOf(trx, found.participant_id);
        // Cycles locked in one order, so two erasures (or an erasure and a sign-up) can't deadlock.
        const cycleIds = [...new Set(regs.map((r) => r.cycle_id))].sort();
        const cycles = new Map<string, Awaited<ReturnType<typeof cyclesRepo.lockById>>>();
        for (const id of cycleIds) cycles.set(id, await cyclesRepo.lockById(trx, id));
        let cancelled = 0;
        for (const { id } of regs) {
          // Read again under the cycle lock: a cancellation or promotion may have happened meanwhile.
          const r = await registrationsRepo.findByIdForUpdate(trx, id);
          const cycle = r ? cycles.get(r.cycle_id) : undefined;
          if (!r || !cycle || r.status === 'cancelled' || cycleStatus(cycle, now) === 'past') continue;
          await cancelLocked(trx, notifier, r, 'erasure', now);
          cancelled += 1;
        }
        const previous = await repo.anonymiseRegistrations(trx, regs.map((r) => r.id), now);
        const emails = await repo.forgetParticipants(trx, previous, now);
        for (const email of emails) await linksRepo.deleteForEmail(trx, emailKey(secret, email));
        return { erased: true as const, registrations: regs.length, cancelled };
      });
    },

    /**
     * The retention rule: registrations of cycles whose last meeting ended more than RETENTION_MONTHS
     * ago are anonymised (in batches, each its own transaction), people left with no registration are
     * forgotten, and the links throttle drops rows older than a day. Safe to run any number of times.
     */
    async applyRetention(): Promise<{ anonymised: number; participantsForgotten: number; linkRequestsPurged: number }> {
      const now = clock();
      let anonymised = 0;
      let participantsForgotten = 0;
      for (;;) {
        const ids = await repo.dueForRetention(db, now, deps.retentionMonths, RETENTION_BATCH);
        if (ids.length === 0) break;
        await db.transaction().execute(async (trx) => {
          const previous = await repo.anonymiseRegistrations(trx, ids, now);
          const emails = await repo.forgetParticipants(trx, previous, now);
          for (const email of emails) await linksRepo.deleteForEmail(trx, emailKey(secret, email));
          participantsForgotten += emails.length;
        });
        anonymised += ids.length;
      }
      const linkRequestsPurged = await linksRepo.purgeBefore(db, new Date(now.getTime() - LINK_REQUESTS_KEPT_MS));
      return { anonymised, participantsForgotten, linkRequestsPurged };
    },

    /** Makes sure the notice version sign-ups record (config.privacyVersion) exists in the archive. */
    async ensureNotice(version: string): Promise<void> {
      await repo.ensureNotice(db, version, clock());
    },
  };
}

export type PrivacyService = ReturnType<typeof privacyService>;
