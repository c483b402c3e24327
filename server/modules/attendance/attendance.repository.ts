// Every SQL statement about attendance records and wrong self check-in codes. Executor first.
import { sql } from 'kysely';
import type { AttendanceMethod } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

export async function findSession(db: Executor, id: string) {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recordsOfCycle(db: Executor, cycleId: string) {
  return db
    .selectFrom('attendance as a')
    .innerJoin('sessions as s', 's.id', 'a.session_id')
    .select(['a.registration_id', 'a.session_id', 'a.present', 'a.method', 'a.marked_at'])
    .where('s.cycle_id', '=', cycleId)
    .execute();
}

export type AttendanceRecord = Awaited<ReturnType<typeof recordsOfCycle>>[number];

/** The person's attendance marks, one per session that has a record (absent ones included). */
export async function marksOfRegistration(db: Executor, registrationId: string) {
  return db.selectFrom('attendance').select(['session_id', 'present']).where('registration_id', '=', registrationId).execute();
}

export async function recordsOfSession(db: Executor, sessionId: string) {
  return db.selectFrom('attendance').select(['registration_id', 'session_id', 'present', 'method', 'marked_at']).where('session_id', '=', sessionId).execute();
}

export async function findRecord(db: Executor, registrationId: string, sessionId: string) {
  return db
    .selectFrom('attendance')
    .select(['registration_id', 'session_id', 'present', 'method', 'marked_at'])
    .where('registration_id', '=', registrationId)
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

/** Roster and QR: the organiser's word is final, whatever was recorded before. */
export async function upsertMark(
  db: Executor,
  m: { registrationId: string; sessionId: string; present: boolean; method: AttendanceMethod; markedBy: string | null; at: Date },
) {
  return db
    .insertInto('attendance')
    .values({
      registration_id: m.registrationId,
      session_id: m.sessionId,
      present: m.present,
      method: m.method,
      marked_by: m.markedBy,
      marked_at: m.at,
    })
    .onConflict((oc) =>
      oc.columns(['registration_id', 'session_id']).doUpdateSet({
        present: m.present,
        method: m.method,
        marked_by: m.markedBy,
        marked_at: m.at,
      }),
    )
    .returning(['registration_id', 'session_id', 'present', 'method', 'marked_at'])
    .executeTakeFirstOrThrow();
}

/**
 * Self check-in: marks present unless already present, in one statement, so two simultaneous
 * submissions can't both succeed. Returns undefined when the person was already present.
 */
export async function markPresentOnce(db: Executor, m: { registrationId: string; sessionId: string; at: Date }) {
  return db
    .insertInto('attendance')
    .values({ registration_id: m.registrationId, session_id: m.sessionId, present: true, method: 'code', marked_by: null, marked_at: m.at })
    .onConflict((oc) =>
      oc
        .columns(['registration_id', 'session_id'])
        .doUpdateSet({ present: true, method: 'code', marked_by: null, marked_at: m.at })
        .where('attendance.present', '=', false),
    )
    .returning('present')
    .executeTakeFirst();
}

/** Serialises the self check-in attempts of one registration until the transaction ends. */
export async function lockCheckInAttempts(trx: Executor, registrationId: string) {
  // Seed 11 keeps these keys apart from the other advisory locks' (links: 7).
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${registrationId}, 11))`.execute(trx);
}

/** Wrong codes of a registration since `since`: how many, and when the oldest of them was. */
export async function recentCheckInFailures(db: Executor, registrationId: string, since: Date) {
  const row = await db
    .selectFrom('check_in_failures')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('at').as('oldest')])
    .where('registration_id', '=', registrationId)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest) : null };
}

export async function recordCheckInFailure(db: Executor, f: { registrationId: string; sessionId: string; at: Date }) {
  await db.insertInto('check_in_failures').values({ registration_id: f.registrationId, session_id: f.sessionId, at: f.at }).execute();
}

/** Every registration of a cycle, whatever its status, in roster order (name, then arrival). */
export async function rosterOfCycle(db: Executor, cycleId: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'first_name', 'last_name', 'organisation', 'network', 'status'])
    .where('cycle_id', '=', cycleId)
    .orderBy('last_name')
    .orderBy('first_name')
    .orderBy('seq')
    .execute();
}
