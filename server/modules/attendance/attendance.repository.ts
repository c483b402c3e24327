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

/** Every registration of a cycle, whatever its status, with the person's address, in roster order (name, then arrival). */
export async function rosterOfCycle(db: Executor, cycleId: string) {
  return db
    .selectFrom('registrations as r')
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .select(['r.id', 'r.first_name', 'r.last_name', 'r.organisation', 'r.network', 'r.status', 'p.email'])
    .where('r.cycle_id', '=', cycleId)
    .orderBy('r.last_name')
    .orderBy('r.first_name')
    .orderBy('r.seq')
    .execute();
}

/** Back to "not marked": the organiser's correction of a tap too many. */
export async function deleteMark(db: Executor, registrationId: string, sessionId: string) {
  await db.deleteFrom('attendance').where('registration_id', '=', registrationId).where('session_id', '=', sessionId).execute();
}

/**
 * "Everyone present": every confirmed registration of the cycle without a mark at this session, in one
 * statement (rule 12), so a mark made meanwhile (a QR scan, a self check-in, an "absent") is kept.
 */
export async function markUnmarkedPresent(db: Executor, m: { sessionId: string; cycleId: string; markedBy: string; at: Date }) {
  const rows = await db
    .insertInto('attendance')
    .columns(['registration_id', 'session_id', 'present', 'method', 'marked_by', 'marked_at'])
    .expression((eb) =>
      eb
        .selectFrom('registrations as r')
        .select([
          'r.id',
          sql<string>`${m.sessionId}::uuid`.as('session_id'),
          sql<boolean>`true`.as('present'),
          sql<AttendanceMethod>`'roster'`.as('method'),
          sql<string>`${m.markedBy}::uuid`.as('marked_by'),
          sql<Date>`${m.at}::timestamptz`.as('marked_at'),
        ])
        .where('r.cycle_id', '=', m.cycleId)
        .where('r.status', '=', 'confirmed'),
    )
    .onConflict((oc) => oc.columns(['registration_id', 'session_id']).doNothing())
    .returning('registration_id')
    .execute();
  return rows.map((r) => r.registration_id);
}

/** Walk-ins marked present on arrival, in the sign-up batch's own transaction (one multi-row write). */
export async function markArrivals(trx: Executor, marks: readonly { registrationId: string; sessionId: string; markedBy: string; at: Date }[]) {
  if (marks.length === 0) return;
  await trx
    .insertInto('attendance')
    .values(
      marks.map((m) => ({
        registration_id: m.registrationId,
        session_id: m.sessionId,
        present: true,
        method: 'roster' as const,
        marked_by: m.markedBy,
        marked_at: m.at,
      })),
    )
    .execute();
}

/**
 * The meetings of the caller's cycles (every cycle for an administrator: accountId null) that start on
 * the day of `now` in `timezone` ('today'), or the next scheduled ones after that day ('next'); each with its
 * cycle, the people present and the seats taken (who is expected).
 */
export async function meetingsOfDay(db: Executor, q: { accountId: string | null; now: Date; timezone: string; which: 'today' | 'next'; limit: number }) {
  const dayStart = sql<Date>`(date_trunc('day', ${q.now}::timestamptz AT TIME ZONE ${q.timezone}) AT TIME ZONE ${q.timezone})`;
  const dayEnd = sql<Date>`((date_trunc('day', ${q.now}::timestamptz AT TIME ZONE ${q.timezone}) + interval '1 day') AT TIME ZONE ${q.timezone})`;
  let query = db
    .selectFrom('sessions as s')
    .innerJoin('cycles as c', 'c.id', 's.cycle_id')
    .selectAll('s')
    .select(['c.title as cycle_title', 'c.location as cycle_location', 'c.format as cycle_format', 'c.seats_taken as expected'])
    .select((eb) =>
      eb
        .selectFrom('attendance as a')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('a.session_id', '=', 's.id')
        .where('a.present', '=', true)
        .as('present'),
    );
  if (q.accountId) {
    const accountId = q.accountId;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('cycle_organisers as co').whereRef('co.cycle_id', '=', 'c.id').where('co.account_id', '=', accountId).select('co.cycle_id')),
    );
  }
  query =
    q.which === 'today'
      ? query.where('s.starts_at', '>=', dayStart).where('s.starts_at', '<', dayEnd)
      : query.where('s.starts_at', '>=', dayEnd).where('s.status', '=', 'scheduled');
  return query.orderBy('s.starts_at').orderBy('c.title').limit(q.limit).execute();
}
