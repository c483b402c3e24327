// Registrations as organisers see and change them: the list with each person's attendance (searchable),
// people added by the organiser (walk-ins), corrections of a person's name or organisation, and
// cancellations by the organiser. Adding and cancelling go through
// the same pipeline and the same cancellation as the public's (registrations.pipeline.ts,
// registrations.cancel.ts): one set of rules for both audiences. Manage and calendar links are never
// shown to organisers: they are the participant's secrets (the participant gets them by e-mail).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { errors } from '../../lib/errors.ts';
import type { cancellation } from './registrations.cancel.ts';
import * as repo from './registrations.manage.repository.ts';
import type { StatusFilter } from './registrations.manage.repository.ts';
import type { AddRegistrationInput, AdminRegistrationView, AttendanceSummary, CorrectRegistrationInput } from './registrations.manage.schemas.ts';
import type { SignupPipeline } from './registrations.pipeline.ts';
import { registrationFields } from './registrations.service.ts';

export interface RegistrationManagementDeps {
  db: Kysely<Database>;
  pipeline: SignupPipeline;
  cancel: ReturnType<typeof cancellation>;
  /**
   * Each registration's attendance in a cycle at `now` (attendance.summary.ts's cycleAttendance). Passed
   * in because attendance depends on registrations, not the other way round.
   */
  attendanceOf: (db: Kysely<Database>, cycleId: string, now: Date) => Promise<(registrationId: string) => AttendanceSummary>;
  /**
   * Puts a corrected name and organisation on the person's certificate if one was issued (certificates.service.ts's
   * renameCertificateHolder), in the correction's transaction; passed in because certificates depend on
   * registrations. Says whether there was one.
   */
  renameCertificate: (
    trx: Transaction<Database>,
    registrationId: string,
    person: { firstName: string; lastName: string; organisation: string },
  ) => Promise<boolean>;
  /** Whether a walk-in can be marked present at that meeting of that cycle now (attendance.service.ts's checkArrival). */
  checkArrival: (cycleId: string, sessionId: string) => Promise<void>;
  clock?: () => Date;
}

export function registrationManagement(deps: RegistrationManagementDeps) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function list(cycleId: string, status: StatusFilter = 'all', query = ''): Promise<AdminRegistrationView[]> {
    const words = query.split(/\s+/).filter(Boolean);
    const [rows, attendance] = await Promise.all([repo.listOfCycle(db, cycleId, status, 'arrival', words), deps.attendanceOf(db, cycleId, clock())]);
    // Waiting-list positions follow arrival order (seq); rows are already in that order.
    const waitlisted = await repo.waitlistOfCycle(db, cycleId);
    const position = new Map(waitlisted.map((r, i) => [r.id, i + 1]));
    return rows.map((r) => ({
      ...registrationFields(r, position.get(r.id) ?? null),
      source: r.source,
      manageUrl: null,
      calendarUrl: null,
      attendance: attendance(r.id),
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
     * capacity by one for this person, which leaves the waiting list where it is. With an `arrival` (the
     * body's presentAt: a meeting whose check-in window is open, and who marks) the person is also marked
     * present there, in the same transaction as their registration, when they get a seat.
     */
    async add(cycleId: string, input: AddRegistrationInput, arrival?: { sessionId: string; markedBy: string }) {
      if (arrival) await deps.checkArrival(cycleId, arrival.sessionId);
      const { record } = await deps.pipeline.submit({
        cycle: { id: cycleId },
        person: input,
        locale: input.locale,
        source: input.source,
        addSeat: input.addSeat,
        clientKey: null,
        arrival,
      });
      // The person gets the confirmation with their manage link and QR, as after a web sign-up.
      return { registration: await one(cycleId, record.id), promoted: [] as string[] };
    },

    /**
     * A misspelt name or organisation put right (the name goes on the certificate: one already issued
     * follows it). 404 for a registration whose personal data were erased: there is nobody to correct.
     */
    async correct(cycleId: string, registrationId: string, input: CorrectRegistrationInput) {
      const certificateRenamed = await inTransaction(db, async (trx) => {
        const row = await repo.correctPerson(
          trx,
          cycleId,
          registrationId,
          { first_name: input.firstName, last_name: input.lastName, organisation: input.organisation },
          clock(),
        );
        if (!row) throw errors.registrationNotFound();
        return deps.renameCertificate(trx, registrationId, { firstName: row.first_name, lastName: row.last_name, organisation: row.organisation });
      });
      return { registration: await one(cycleId, registrationId), certificateRenamed };
    },

    /** Cancelled by the organiser; a freed seat goes to the head of the waiting list at once. */
    async cancel(cycleId: string, registrationId: string) {
      const { promoted } = await deps.cancel(registrationId, 'organiser', cycleId);
      return { registration: await one(cycleId, registrationId), promoted };
    },
  };
}

export type RegistrationManagement = ReturnType<typeof registrationManagement>;
