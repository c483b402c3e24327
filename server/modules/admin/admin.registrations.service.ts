// Registrations as organisers see and change them: the list with each person's attendance, people
// added by the organiser (walk-ins), and cancellations by the organiser (the seat goes to the head of
// the waiting list in the same transaction). Manage and calendar links are never shown to organisers:
// they are the participant's secrets (the participant gets them by e-mail).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import type { TokenKit } from '../../lib/tokens.ts';
import * as attendanceRepo from '../attendance/attendance.repository.ts';
import { emptySummary, summarise } from '../attendance/attendance.summary.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import type { RegistrationRecord } from '../registrations/registrations.repository.ts';
import type { AddRegistrationInput, AdminRegistrationView } from './admin.schemas.ts';
import * as repo from './admin.repository.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export type StatusFilter = 'confirmed' | 'waitlisted' | 'cancelled' | 'active' | 'all';

export interface AdminRegistrationsDeps {
  db: Kysely<Database>;
  tokens: TokenKit;
  privacyVersion: string;
  notifier?: Notifier;
  clock?: () => Date;
}

export function adminRegistrationsService(deps: AdminRegistrationsDeps) {
  const { db, tokens } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifier = deps.notifier ?? silentNotifier;

  async function list(cycleId: string, status: StatusFilter = 'all'): Promise<AdminRegistrationView[]> {
    let q = db
      .selectFrom('registrations as r')
      .innerJoin('participants as p', 'p.id', 'r.participant_id')
      .select(['r.id', 'r.seq', 'r.status', 'r.first_name', 'r.last_name', 'r.organisation', 'r.role', 'r.network', 'r.locale'])
      .select(['r.source', 'r.created_at', 'r.confirmed_at', 'r.cancelled_at', 'p.email'])
      .where('r.cycle_id', '=', cycleId);
    if (status === 'active') q = q.where('r.status', '<>', 'cancelled');
    else if (status !== 'all') q = q.where('r.status', '=', status);
    const [rows, sessions, marks] = await Promise.all([
      q.orderBy('r.seq').execute(),
      cyclesRepo.sessionsOf(db, [cycleId]),
      attendanceRepo.recordsOfCycle(db, cycleId),
    ]);
    const now = clock();
    const summaries = summarise(sessions, marks, now);
    // Waiting-list positions follow arrival order (seq); rows are already in that order.
    const waitlisted = await db
      .selectFrom('registrations')
      .select('id')
      .where('cycle_id', '=', cycleId)
      .where('status', '=', 'waitlisted')
      .orderBy('seq')
      .execute();
    const position = new Map(waitlisted.map((r, i) => [r.id, i + 1]));
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      waitlistPosition: position.get(r.id) ?? null,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      organisation: r.organisation,
      role: r.role,
      network: r.network,
      locale: r.locale,
      source: r.source,
      createdAt: iso(r.created_at)!,
      confirmedAt: iso(r.confirmed_at),
      cancelledAt: iso(r.cancelled_at),
      manageUrl: null,
      calendarUrl: null,
      attendance: summaries.get(r.id) ?? emptySummary(sessions, now),
    }));
  }

  async function one(cycleId: string, id: string) {
    const found = (await list(cycleId)).find((r) => r.id === id);
    if (!found) throw errors.notFound();
    return found;
  }

  return {
    list,

    /**
     * A person added by the organiser. The registration window does not apply (a walk-in arrives
     * after sign-ups closed). With a free seat: confirmed. When full: on the waiting list (like
     * anyone else; 409 cycle_full when the cycle has none), unless `addSeat` asks to raise the
     * capacity by one for this person, which leaves the waiting list where it is.
     */
    async add(cycleId: string, input: AddRegistrationInput) {
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        const now = clock();
        const cycle = await cyclesRepo.lockById(trx, cycleId);
        if (!cycle) throw errors.notFound();
        const participantId = await registrationsRepo.upsertParticipant(trx, input.email, input.locale);
        if (await registrationsRepo.findActive(trx, cycle.id, participantId)) throw errors.alreadyRegistered();
        let status: 'confirmed' | 'waitlisted';
        if (cycle.capacity - cycle.seats_taken > 0) status = 'confirmed';
        else if (input.addSeat) {
          await repo.updateCycle(trx, cycle.id, { capacity: cycle.seats_taken + 1 }, now);
          status = 'confirmed';
        } else if (cycle.waitlist_enabled) status = 'waitlisted';
        else throw errors.cycleFull();
        await registrationsRepo.insertRegistration(trx, {
          id,
          cycleId: cycle.id,
          participantId,
          status,
          firstName: input.firstName,
          lastName: input.lastName,
          organisation: input.organisation,
          role: input.role,
          network: input.network,
          tokenHash: tokens.issue('manage', id, 1).hash,
          calendarTokenHash: tokens.issue('calendar', id, 1).hash,
          locale: input.locale,
          consentVersion: deps.privacyVersion,
          now,
        });
        await trx.updateTable('registrations').set({ source: input.source }).where('id', '=', id).execute();
        // The person gets the confirmation with their manage link and QR, as after a web sign-up.
        await notifier.registrationCreated(trx, id);
      });
      return { registration: await one(cycleId, id), promoted: [] as string[] };
    },

    /** Cancelled by the organiser; a freed seat goes to the head of the waiting list at once. */
    async cancel(cycleId: string, registrationId: string) {
      const promoted = await db.transaction().execute(async (trx) => {
        const now = clock();
        const cycle = await cyclesRepo.lockById(trx, cycleId);
        const r: RegistrationRecord | undefined = await registrationsRepo.findByIdForUpdate(trx, registrationId);
        if (!cycle || !r || r.cycle_id !== cycleId) throw errors.notFound();
        if (r.status === 'cancelled') throw errors.alreadyCancelled();
        await registrationsRepo.markCancelled(trx, r.id, 'organiser', now);
        await notifier.registrationCancelled(trx, r.id);
        const ids = r.status === 'confirmed' ? await repo.inArrivalOrder(trx, await registrationsRepo.promoteFromWaitlist(trx, cycle.id, now)) : [];
        for (const p of ids) await notifier.registrationPromoted(trx, p);
        return ids;
      });
      return { registration: await one(cycleId, registrationId), promoted };
    },
  };
}

export type AdminRegistrationsService = ReturnType<typeof adminRegistrationsService>;
