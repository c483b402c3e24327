// Every SQL statement about certificates of attendance. Executor first.
import { sql } from 'kysely';
import type { Executor } from '../../lib/db.ts';
import { withCycle } from '../registrations/registrations.repository.ts';

export async function findByRegistration(db: Executor, registrationId: string) {
  return db.selectFrom('certificates').selectAll().where('registration_id', '=', registrationId).executeTakeFirst();
}

/** A certificate that still verifies (its holder's data were not erased). */
/** A certificate that still verifies, with its cycle's contact as it is today (the page says whom to ask). */
export async function findValidByCode(db: Executor, code: string) {
  return db
    .selectFrom('certificates')
    .innerJoin('cycles', 'cycles.id', 'certificates.cycle_id')
    .selectAll('certificates')
    .select(['cycles.contact_name', 'cycles.contact_email', 'cycles.contact_phone'])
    .where('certificates.code', '=', code)
    .where('certificates.anonymised_at', 'is', null)
    .executeTakeFirst();
}

export type CertificateRow = NonNullable<Awaited<ReturnType<typeof findByRegistration>>>;

export interface NewCertificate {
  code: string;
  registrationId: string;
  cycleId: string;
  name: string;
  cycleSlug: string;
  cycleTitle: string;
  firstAt: Date;
  lastAt: Date;
  attended: number;
  held: number;
  hours: number;
  threshold: number;
  issuedAt: Date;
}

/**
 * Inserts unless the registration already has one (a concurrent request issued it first): returns the
 * new row, or undefined. A clash on the code itself raises a unique violation for the caller to retry.
 */
export async function insertIfAbsent(db: Executor, c: NewCertificate) {
  return db
    .insertInto('certificates')
    .values({
      code: c.code,
      registration_id: c.registrationId,
      cycle_id: c.cycleId,
      name: c.name,
      cycle_slug: c.cycleSlug,
      cycle_title: c.cycleTitle,
      first_session_at: c.firstAt,
      last_session_at: c.lastAt,
      attended_sessions: c.attended,
      held_sessions: c.held,
      hours: c.hours,
      threshold: c.threshold,
      issued_at: c.issuedAt,
    })
    .onConflict((oc) => oc.column('registration_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The holder's name on an issued certificate (not an erased one); whether there was one. */
export async function renameHolder(db: Executor, registrationId: string, name: string) {
  const r = await db
    .updateTable('certificates')
    .set({ name })
    .where('registration_id', '=', registrationId)
    .where('anonymised_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** What issuing needs to know about a registration and its cycle. */
export async function registrationForCertificate(db: Executor, registrationId: string) {
  return withCycle(db)
    .select(['r.first_name', 'r.last_name', 'r.anonymised_at', 'c.attendance_threshold'])
    .where('r.id', '=', registrationId)
    .executeTakeFirst();
}
export type RegistrationForCertificate = NonNullable<Awaited<ReturnType<typeof registrationForCertificate>>>;

export async function sessionsOf(db: Executor, cycleId: string) {
  return db.selectFrom('sessions').select(['id', 'status', 'starts_at', 'ends_at']).where('cycle_id', '=', cycleId).execute();
}

export async function marksOf(db: Executor, registrationId: string) {
  return db.selectFrom('attendance').select(['registration_id', 'session_id', 'present']).where('registration_id', '=', registrationId).execute();
}

/** Cycles whose last meeting ended in (since, now]: the ones the periodic job looks at. */
export async function cyclesEndedBetween(db: Executor, since: Date, now: Date) {
  const rows = await sql<{ id: string }>`
    SELECT c.id FROM cycles c
     WHERE (SELECT max(s.ends_at) FROM sessions s WHERE s.cycle_id = c.id) > ${since}
       AND (SELECT max(s.ends_at) FROM sessions s WHERE s.cycle_id = c.id) <= ${now}
     ORDER BY c.id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Confirmed registrations of a cycle without a certificate, whose data are still there. */
export async function withoutCertificate(db: Executor, cycleId: string) {
  return db
    .selectFrom('registrations as r')
    .leftJoin('certificates as k', 'k.registration_id', 'r.id')
    .select(['r.id', 'r.status'])
    .where('r.cycle_id', '=', cycleId)
    .where('r.status', '=', 'confirmed')
    .where('r.anonymised_at', 'is', null)
    .where('k.id', 'is', null)
    .execute();
}
