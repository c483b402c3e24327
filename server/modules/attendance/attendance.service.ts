// Attendance, taken three ways: roster marks and QR scans by the organiser (their word is final), and
// the participant's own check-in with the session's short code. Ownership of the session is checked
// by the route's access rule before any of this runs; what is checked here is that the registration
// really belongs to the session's cycle and holds a seat.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { hashToken, isWellFormedToken, type TokenKit } from '../../lib/tokens.ts';
import { errors } from '../../lib/errors.ts';
import { toSessionView } from '../cycles/cycles.service.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import { checkInCode, codeWindow, markingOpensAt, parseQr, qrPayload, sessionCode } from './attendance.codes.ts';
import { attendanceErrors } from './attendance.errors.ts';
import { qrImage } from './attendance.qr.ts';
import * as repo from './attendance.repository.ts';

/** Wrong self check-in codes allowed per registration in the window below, before 429. */
export const MAX_CODE_FAILURES = 5;
export const CODE_FAILURE_WINDOW_MS = 15 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | string) => new Date(d).toISOString();

function markView(m: { registration_id: string; session_id: string; present: boolean; method: 'roster' | 'qr' | 'code'; marked_at: Date }) {
  return { registrationId: m.registration_id, sessionId: m.session_id, present: m.present, method: m.method, markedAt: iso(m.marked_at) };
}

export function attendanceService(deps: { db: Kysely<Database>; publicUrl: string; timezone: string; tokens: TokenKit; clock?: () => Date }) {
  const { db, publicUrl, tokens } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function sessionOrThrow(sessionId: string) {
    const s = UUID.test(sessionId) ? await repo.findSession(db, sessionId) : undefined;
    if (!s) throw errors.notFound();
    return s;
  }

  /** Presence (present or absent) is marked at a meeting that takes place, once its check-in window is open. */
  function assertMarkable(session: { status: string; starts_at: Date }, now: Date) {
    if (session.status === 'cancelled') throw attendanceErrors.sessionCancelled();
    if (now < markingOpensAt(session)) throw attendanceErrors.notOpenYet();
  }

  return {
    /** What a registration's check-in QR encodes: the address of its check-in code (attendance.codes.ts). */
    qrPayload: (registrationId: string, tokenVersion: number) => qrPayload(tokens, publicUrl, registrationId, tokenVersion),
    /** The bare check-in code, what QRs made before the address form carry (still accepted). */
    bareQrPayload: (registrationId: string, tokenVersion: number) => checkInCode(tokens, registrationId, tokenVersion),

    /** The QR image of the registration behind a manage token: SVG, or PNG for e-mail clients. */
    async qrImage(manageToken: string, format: 'svg' | 'png'): Promise<string | Buffer> {
      if (!isWellFormedToken(manageToken)) throw errors.registrationNotFound();
      const r = await registrationsRepo.findByTokenHash(db, hashToken(manageToken));
      if (!r) throw errors.registrationNotFound();
      return qrImage(qrPayload(tokens, publicUrl, r.id, r.token_version), format);
    },

    async roster(sessionId: string) {
      const session = await sessionOrThrow(sessionId);
      const [registrations, marks] = await Promise.all([repo.rosterOfCycle(db, session.cycle_id), repo.recordsOfSession(db, sessionId)]);
      const byReg = new Map(marks.map((m) => [m.registration_id, m]));
      // Everyone holding a seat, plus anyone who has a mark (e.g. cancelled after attending).
      const items = registrations
        .filter((r) => r.status === 'confirmed' || byReg.has(r.id))
        .map((r) => {
          const m = byReg.get(r.id);
          return {
            registrationId: r.id,
            firstName: r.first_name,
            lastName: r.last_name,
            organisation: r.organisation,
            network: r.network,
            email: r.email,
            status: r.status,
            present: m ? m.present : null,
            method: m ? m.method : null,
            markedAt: m ? iso(m.marked_at) : null,
          };
        });
      return {
        session: { ...toSessionView(session, 'shown'), cycleId: session.cycle_id },
        markingOpensAt: markingOpensAt(session).toISOString(),
        counts: {
          present: items.filter((i) => i.present === true).length,
          absent: items.filter((i) => i.present === false).length,
          unmarked: items.filter((i) => i.present === null).length,
        },
        items,
      };
    },

    /**
     * Roster mark: present, absent, or null for "not marked" again (a tap too many; always allowed, it
     * only removes a record). The access rule has checked that session and registration share one of
     * the caller's cycles.
     */
    async mark(sessionId: string, registrationId: string, present: boolean | null, accountId: string) {
      const session = await sessionOrThrow(sessionId);
      const r = await registrationsRepo.findById(db, registrationId);
      if (!r || r.cycle_id !== session.cycle_id) throw errors.notFound();
      if (present === null) {
        await repo.deleteMark(db, registrationId, sessionId);
        return { registrationId, sessionId, present: null, method: null, markedAt: null };
      }
      assertMarkable(session, clock());
      // Marking someone absent stays possible for a cancelled registration (correcting the record).
      if (present && r.status !== 'confirmed') throw attendanceErrors.notConfirmed();
      const row = await repo.upsertMark(db, { registrationId, sessionId, present, method: 'roster', markedBy: accountId, at: clock() });
      return markView(row);
    },

    /** "Segna tutti presenti": everyone with a seat and no mark yet, in one write. */
    async markAllPresent(sessionId: string, accountId: string) {
      const session = await sessionOrThrow(sessionId);
      const now = clock();
      assertMarkable(session, now);
      const marked = await repo.markUnmarkedPresent(db, { sessionId, cycleId: session.cycle_id, markedBy: accountId, at: now });
      return { marked: marked.length, registrationIds: marked };
    },

    /**
     * Before a walk-in is queued for the sign-up pipeline: can a person be marked present at this
     * meeting of this cycle now? (The pipeline then writes the mark with the registration.)
     */
    async checkArrival(cycleId: string, sessionId: string) {
      const session = await sessionOrThrow(sessionId);
      if (session.cycle_id !== cycleId) throw errors.notFound();
      assertMarkable(session, clock());
    },

    /**
     * The organiser's day: the meetings that start today (on the programme's clock, APP_TIMEZONE) in the
     * cycles they run (all of them for an administrator), and the next three after today.
     */
    async day(account: { id: string; role: string }) {
      const now = clock();
      const q = { accountId: account.role === 'administrator' ? null : account.id, now, timezone: deps.timezone };
      const [today, next] = await Promise.all([
        repo.meetingsOfDay(db, { ...q, which: 'today', limit: 50 }),
        repo.meetingsOfDay(db, { ...q, which: 'next', limit: 3 }),
      ]);
      const view = (r: (typeof today)[number]) => ({
        session: { ...toSessionView(r, 'shown'), cycleId: r.cycle_id },
        cycle: { id: r.cycle_id, title: r.cycle_title, location: r.cycle_location, format: r.cycle_format },
        present: Number(r.present ?? 0),
        expected: r.expected,
      });
      return { now: now.toISOString(), today: today.map(view), next: next.map(view) };
    },

    async checkInByQr(sessionId: string, qr: string, accountId: string) {
      const session = await sessionOrThrow(sessionId);
      const parsed = parseQr(qr);
      const r = parsed ? await registrationsRepo.findById(db, parsed.registrationId) : undefined;
      if (!parsed || !r || !tokens.matches(parsed.mac, tokens.token('checkin', r.id, r.token_version))) throw attendanceErrors.invalidQr();
      if (r.cycle_id !== session.cycle_id) throw attendanceErrors.otherCycle();
      assertMarkable(session, clock());
      if (r.status !== 'confirmed') throw attendanceErrors.notConfirmed();
      const before = await repo.findRecord(db, r.id, sessionId);
      await repo.upsertMark(db, { registrationId: r.id, sessionId, present: true, method: 'qr', markedBy: accountId, at: clock() });
      return {
        registration: { id: r.id, firstName: r.first_name, lastName: r.last_name, organisation: r.organisation },
        present: true as const,
        alreadyPresent: before?.present === true,
      };
    },

    async checkInCode(sessionId: string) {
      const session = await sessionOrThrow(sessionId);
      const w = codeWindow(session);
      return { code: sessionCode(tokens, session.id), validFrom: w.validFrom.toISOString(), validUntil: w.validUntil.toISOString() };
    },

    /**
     * POST /api/sessions/:id/check-in. Unknown token, or a session outside the token's cycle: 404.
     * Wrong code, another session's code, a cancelled session or outside the window: 400 invalid_code,
     * and the attempt is recorded; 5 in 15 minutes for one registration: 429 with Retry-After (even
     * with the right code), counted under a lock so simultaneous guesses can't all slip under it.
     * Already present: 409 already_checked_in (one use per participant per session).
     */
    async selfCheckIn(sessionId: string, manageToken: string, code: string) {
      if (!isWellFormedToken(manageToken)) throw errors.registrationNotFound();
      const r = await registrationsRepo.findByTokenHash(db, hashToken(manageToken));
      if (!r) throw errors.registrationNotFound();
      const session = UUID.test(sessionId) ? await repo.findSession(db, sessionId) : undefined;
      if (!session || session.cycle_id !== r.cycle_id) throw attendanceErrors.sessionNotFound();
      if (r.status !== 'confirmed') throw attendanceErrors.notConfirmed();

      const now = clock();
      const w = codeWindow(session);
      const presented = code.replace(/\s+/g, '');
      const valid = session.status === 'scheduled' && now >= w.validFrom && now <= w.validUntil && tokens.matches(presented, sessionCode(tokens, session.id));
      // Count, decide and record under one lock per registration, so simultaneous guesses queue up
      // instead of all reading the same count: at most MAX_CODE_FAILURES wrong codes per window get an
      // answer other than 429. The verdict above is a pure HMAC comparison (microseconds), computed
      // outside the lock and revealed only if the count allows, so the lock is held for two statements.
      const since = new Date(now.getTime() - CODE_FAILURE_WINDOW_MS);
      const judged = await inTransaction(db, async (trx) => {
        await repo.lockCheckInAttempts(trx, r.id);
        const failures = await repo.recentCheckInFailures(trx, r.id, since);
        if (failures.count >= MAX_CODE_FAILURES) {
          // A place frees up when the oldest failure in the window leaves it.
          return { refusedForMs: failures.oldest!.getTime() + CODE_FAILURE_WINDOW_MS - now.getTime() };
        }
        if (!valid) await repo.recordCheckInFailure(trx, { registrationId: r.id, sessionId: session.id, at: now });
        return { refusedForMs: 0 };
      });
      if (judged.refusedForMs > 0) throw attendanceErrors.tooManyCodes(judged.refusedForMs / 1000);
      if (!valid) throw attendanceErrors.invalidCode();
      const marked = await repo.markPresentOnce(db, { registrationId: r.id, sessionId: session.id, at: now });
      if (!marked) throw attendanceErrors.alreadyCheckedIn();
      return { present: true as const };
    },
  };
}

export type AttendanceService = ReturnType<typeof attendanceService>;
