// Each person's own data: the export and erasure of one registration (its manage token), of the whole
// person (a one-time link mailed to the address), and the retention rule that anonymises the data of
// cycles that ended long ago.
//
// Why a manage token reaches only its own registration: anyone can sign up with any address, so holding
// a manage token proves nothing about the address. Everything kept under the address (the person's other
// registrations, the mails to it) is reached only by someone who can read that mailbox: the one-time
// link, requested like "send me my links" (same answer and same work whether or not the address is
// known, same throttle).
//
// What anonymisation keeps, and why: the reports of a programme count registrations by status,
// attendance per meeting, and participants by territorial network and by organisation (stats service,
// CSV export). Those counts must not change when people are erased, so registration rows stay with
// their status and dates, attendance rows stay, and organisation and network stay on the row: they
// name public bodies (a municipality, an "ambito" of municipalities) shared by many participants, not
// a person. Everything that identifies the person goes: names, e-mail address (the participant row, once
// no registration uses it), role, the links (tokens), the certificate's name, the address in the send
// log and the links throttle. Each anonymised registration is moved to its own empty participant, so the
// rows left behind can't be linked to each other either.
//
// What retention keeps longer, and erasure does not: a certificate's verification record (name, cycle,
// dates, hours, attendance, credits, issuer, code; table certificate_verifications), so the certificate
// still verifies when an employer or a professional order checks it years later. It is linked to no
// registration, and is deleted CERTIFICATE_VERIFICATION_RETENTION_MONTHS after its last meeting. A person
// who asks for erasure takes it with them: the certificate stops verifying (the /verifica page says so).
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { errors, notFound } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';
import { hashToken, isWellFormedToken, tokenKit } from '../../lib/tokens.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { cycleStatus } from '../cycles/cycles.service.ts';
import { countMailRequest, emailKey } from '../links/links.service.ts';
import * as linksRepo from '../links/links.repository.ts';
import * as queue from '../mail/mail.queue.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import { cancelLocked } from '../registrations/registrations.cancel.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import { personExport, registrationExport } from './privacy.export.ts';
import { forgetOutboxRecipients } from '../mail/mail.outbox.ts';
import * as repo from './privacy.repository.ts';
import type { ErasureResult, PersonalData, RegistrationData } from './privacy.schemas.ts';

/** Registrations anonymised per transaction by the retention job. */
const RETENTION_BATCH = 500;
/** The links throttle looks back one hour; its rows (IP addresses) are kept one day at most. */
const LINK_REQUESTS_KEPT_MS = 24 * 3_600_000;
/**
 * How long a one-time link to a person's whole data works. An hour covers a mail held back for minutes
 * by greylisting and a person who reads it a little later; a link left in a mailbox, a forwarded mail or
 * a shared screen stops reaching the data soon after. Asking again costs one form.
 */
export const PERSONAL_DATA_LINK_TTL_MS = 60 * 60_000;

export const PERSONAL_DATA_REQUEST_ACCEPTED = msg('personal_data_request_accepted');

export const privacyErrors = {
  linkNotFound: () => notFound(msg('error_personal_data_link_not_found')),
};

export interface PrivacyDeps {
  db: Kysely<Database>;
  /** The server secret (the links throttle keys addresses with it; the one-time links derive from it). */
  secret: Buffer;
  retentionMonths: number;
  /** How long after its last meeting a certificate's verification record is kept (longer than retentionMonths). */
  verificationMonths: number;
  /** The development outbox (DATA_DIR/mail): an erased person's messages there go too. */
  outboxDir?: string;
  notifier?: Notifier;
  clock?: () => Date;
}

export function privacyService(deps: PrivacyDeps) {
  const { db, secret } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifier = deps.notifier ?? silentNotifier;
  const tokens = tokenKit(secret);

  async function byToken(token: string) {
    if (!isWellFormedToken(token)) throw errors.registrationNotFound();
    const r = await registrationsRepo.findByTokenHash(db, hashToken(token));
    if (!r) throw errors.registrationNotFound();
    return r;
  }

  /**
   * Erases these registrations (of one person). One of a cycle that has not ended is cancelled first,
   * and its seat goes to the head of the waiting list in the same transaction (with the cycle locked, as
   * every seat change). `participantIds` are forgotten too once nothing references them. Returns how
   * many were cancelled.
   */
  async function eraseWithin(trx: Transaction<Database>, regs: { id: string; cycle_id: string }[], participantIds: string[], now: Date) {
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
    await repo.forgetVerifications(
      trx,
      regs.map((r) => r.id),
    );
    const previous = await repo.anonymiseRegistrations(
      trx,
      regs.map((r) => r.id),
      now,
    );
    const emails = await repo.forgetParticipants(trx, [...new Set([...previous, ...participantIds])], now);
    for (const email of emails) await linksRepo.deleteForEmail(trx, emailKey(secret, email));
    return { cancelled, emails };
  }

  /** After the erasure committed: files are no part of the transaction, and a failure leaves no row behind. */
  async function forgetOutbox(emails: string[]) {
    if (deps.outboxDir) await forgetOutboxRecipients(deps.outboxDir, emails);
  }

  function linkHash(token: string): Buffer {
    if (!isWellFormedToken(token)) throw privacyErrors.linkNotFound();
    return hashToken(token);
  }

  return {
    /** GET /api/registrations/:token/personal-data: that registration, and nothing of the address's others. */
    async exportRegistration(token: string): Promise<RegistrationData> {
      const found = await byToken(token);
      const data = await registrationExport(db, found.id, found.email, clock());
      if (!data) throw errors.registrationNotFound();
      return data;
    },

    /**
     * DELETE /api/registrations/:token/personal-data: erases that registration only. The address is
     * forgotten only if no other registration still uses it.
     */
    async eraseRegistration(token: string): Promise<ErasureResult> {
      const found = await byToken(token);
      const { cancelled, emails } = await inTransaction(db, async (trx) => {
        const now = clock();
        await cyclesRepo.lockById(trx, found.cycle_id);
        // Again under the cycle lock, which a concurrent erasure of the same registration also takes:
        // the second one finds the token dead and answers 404, like any later use.
        if (!(await registrationsRepo.findByTokenHash(trx, hashToken(token)))) throw errors.registrationNotFound();
        return eraseWithin(trx, [found], [], now);
      });
      await forgetOutbox(emails);
      return { erased: true as const, registrations: 1, cancelled };
    },

    /**
     * POST /api/personal-data/requests: mails the address a one-time link to everything held about it.
     * The same work for a known and an unknown address: the throttle, one request row (no participant
     * for an unknown address) and one mail job, which the worker skips when there is nobody to write to.
     */
    async requestPersonLink(email: string, ip: string): Promise<void> {
      const now = clock();
      await inTransaction(db, async (trx) => {
        await countMailRequest(trx, emailKey(secret, email), ip, now);
        const participant = await linksRepo.participantByEmail(trx, email);
        const id = randomUUID();
        await repo.insertRequest(trx, {
          id,
          participantId: participant?.id ?? null,
          tokenHash: tokens.issue('personal-data', id, 0).hash,
          createdAt: now,
          expiresAt: new Date(now.getTime() + PERSONAL_DATA_LINK_TTL_MS),
        });
        await queue.enqueue(trx, { kind: 'personal-data-link', requestId: id });
      });
    },

    /** GET /api/personal-data/:token: the whole person. Any number of times while the link lives. */
    async exportPerson(token: string): Promise<PersonalData> {
      const now = clock();
      const request = await repo.liveRequest(db, linkHash(token), now);
      const data = request ? await personExport(db, secret, request.participantId, now) : null;
      if (!data) throw privacyErrors.linkNotFound();
      return data;
    },

    /** DELETE /api/personal-data/:token: erases the whole person, in every cycle; uses the link up. */
    async erasePerson(token: string): Promise<ErasureResult> {
      const hash = linkHash(token);
      const { registrations, cancelled, emails } = await inTransaction(db, async (trx) => {
        const now = clock();
        const request = await repo.liveRequest(trx, hash, now, true);
        if (!request) throw privacyErrors.linkNotFound();
        await repo.deleteRequest(trx, request.id);
        const regs = await repo.registrationsOf(trx, request.participantId);
        return { registrations: regs.length, ...(await eraseWithin(trx, regs, [request.participantId], now)) };
      });
      await forgetOutbox(emails);
      return { erased: true as const, registrations, cancelled };
    },

    /**
     * The retention rule: registrations of cycles whose last meeting ended more than RETENTION_MONTHS
     * ago are anonymised (in batches, each its own transaction), people left with no registration are
     * forgotten, the links throttle drops rows older than a day and expired one-time links go; and,
     * on their own longer period, certificates' verification records. Safe to run any number of times.
     */
    async applyRetention(): Promise<{
      anonymised: number;
      participantsForgotten: number;
      linkRequestsPurged: number;
      personalDataRequestsPurged: number;
      verificationsPurged: number;
    }> {
      const now = clock();
      let anonymised = 0;
      let participantsForgotten = 0;
      for (;;) {
        const ids = await repo.dueForRetention(db, now, deps.retentionMonths, RETENTION_BATCH);
        if (ids.length === 0) break;
        await inTransaction(db, async (trx) => {
          const previous = await repo.anonymiseRegistrations(trx, ids, now);
          const emails = await repo.forgetParticipants(trx, previous, now);
          for (const email of emails) await linksRepo.deleteForEmail(trx, emailKey(secret, email));
          participantsForgotten += emails.length;
        });
        anonymised += ids.length;
      }
      const linkRequestsPurged = await linksRepo.purgeBefore(db, new Date(now.getTime() - LINK_REQUESTS_KEPT_MS));
      const personalDataRequestsPurged = await repo.purgeExpiredRequests(db, now);
      const verificationsPurged = await repo.purgeVerifications(db, now, deps.verificationMonths);
      return { anonymised, participantsForgotten, linkRequestsPurged, personalDataRequestsPurged, verificationsPurged };
    },

    /** Makes sure the notice version sign-ups record (config.privacyVersion) exists in the archive. */
    async ensureNotice(version: string): Promise<void> {
      await repo.ensureNotice(db, version, clock());
    },
  };
}

export type PrivacyService = ReturnType<typeof privacyService>;
