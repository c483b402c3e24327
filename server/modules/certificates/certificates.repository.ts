// Every SQL statement about certificates of attendance. Executor first.
import { sql } from 'kysely';
import type { Executor } from '../../lib/db.ts';
import { withCycle } from '../registrations/registrations.repository.ts';

export async function findByRegistration(db: Executor, registrationId: string) {
  return db.selectFrom('certificates').selectAll().where('registration_id', '=', registrationId).executeTakeFirst();
}

/**
 * The verification record of a code while it is kept (its last meeting no more than `months` months
 * before `now`, counted as the retention job counts them), with its cycle's contact as it is today (the
 * page says whom to ask).
 */
export async function findVerification(db: Executor, code: string, now: Date, months: number) {
  return db
    .selectFrom('certificate_verifications as v')
    .leftJoin('cycles as c', 'c.id', 'v.cycle_id')
    .selectAll('v')
    .select(['c.contact_name', 'c.contact_email', 'c.contact_phone'])
    .where('v.code', '=', code)
    .where('v.last_session_at', '>=', sql<Date>`${now}::timestamptz - make_interval(months => ${months}::int)`)
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
  organisation: string | null;
  credits: string | null;
  issuerName: string | null;
  signatoryName: string | null;
  signatoryRole: string | null;
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
      organisation: c.organisation,
      credits: c.credits,
      issuer_name: c.issuerName,
      signatory_name: c.signatoryName,
      signatory_role: c.signatoryRole,
    })
    .onConflict((oc) => oc.column('registration_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The verification record of a certificate just issued: what /verifica shows, and no more. */
export async function insertVerification(db: Executor, c: CertificateRow) {
  await db
    .insertInto('certificate_verifications')
    .values({
      code: c.code,
      cycle_id: c.cycle_id,
      name: c.name,
      cycle_slug: c.cycle_slug,
      cycle_title: c.cycle_title,
      first_session_at: c.first_session_at,
      last_session_at: c.last_session_at,
      attended_sessions: c.attended_sessions,
      held_sessions: c.held_sessions,
      hours: c.hours,
      credits: c.credits,
      issuer_name: c.issuer_name,
      signatory_name: c.signatory_name,
      signatory_role: c.signatory_role,
      issued_at: c.issued_at,
    })
    .execute();
}

/**
 * The holder's name and organisation on an issued certificate (not an erased one), and the name on its
 * verification record, so that /verifica agrees with the PDF; whether there was one.
 */
export async function renameHolder(db: Executor, registrationId: string, name: string, organisation: string) {
  const renamed = await db
    .updateTable('certificates')
    .set({ name, organisation })
    .where('registration_id', '=', registrationId)
    .where('anonymised_at', 'is', null)
    .returning('code')
    .execute();
  if (renamed.length === 0) return false;
  await db
    .updateTable('certificate_verifications')
    .set({ name })
    .where(
      'code',
      'in',
      renamed.map((r) => r.code),
    )
    .execute();
  return true;
}

/** What issuing needs to know about a registration and its cycle. */
export async function registrationForCertificate(db: Executor, registrationId: string) {
  return withCycle(db)
    .select(['r.first_name', 'r.last_name', 'r.organisation', 'r.anonymised_at', 'c.attendance_threshold', 'c.credits'])
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
