// Every SQL statement about participants and registrations. Executor first (app db or transaction).
import { sql, type Transaction } from 'kysely';
import type { Database, Locale, RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

const registrationColumns = [
  'r.id',
  'r.seq',
  'r.cycle_id',
  'r.participant_id',
  'r.status',
  'r.first_name',
  'r.last_name',
  'r.organisation',
  'r.role',
  'r.network',
  'r.locale',
  'r.consent_version',
  'r.consent_at',
  'r.source',
  'r.created_at',
  'r.confirmed_at',
  'r.cancelled_at',
  'r.token_version',
  'r.calendar_token_version',
  'p.email',
] as const;

function withParticipant(db: Executor) {
  return db.selectFrom('registrations as r').innerJoin('participants as p', 'p.id', 'r.participant_id').select(registrationColumns);
}

export type RegistrationRecord = Awaited<ReturnType<ReturnType<typeof withParticipant>['executeTakeFirstOrThrow']>>;

export interface NewRegistration {
  id: string;
  cycleId: string;
  /** The person, by address: created as a participant on their first sign-up. */
  email: string;
  status: Exclude<RegistrationStatus, 'cancelled'>;
  firstName: string;
  lastName: string;
  organisation: string;
  role: string | null;
  network: string | null;
  tokenHash: Buffer;
  calendarTokenHash: Buffer;
  /** Also the new participant's language (an existing participant keeps theirs). */
  locale: Locale;
  consentVersion: string;
  source: 'web' | 'organiser' | 'walk_in';
  now: Date;
}

/**
 * Which of these addresses already hold an active (not cancelled) registration in the cycle.
 *
 * Driven from the addresses, one index probe each, whatever the planner believes about the cycle: a
 * cycle that is filling up right now (the crowd this runs for) has far more rows than its last ANALYZE
 * saw, and a plain join then chose to read all of them (5 ms per batch at 14,000 rows, under the lock).
 * The LIMIT keeps the lateral subquery from being flattened back into that join.
 */
export async function activeAmong(trx: Transaction<Database>, cycleId: string, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await trx
    .selectFrom('participants as p')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('registrations as r')
          .select(sql<number>`1`.as('one'))
          .whereRef('r.participant_id', '=', 'p.id')
          .where('r.cycle_id', '=', cycleId)
          .where('r.status', '<>', 'cancelled')
          .limit(1)
          .as('r'),
      (join) => join.onTrue(),
    )
    .select('p.email')
    .where('p.email', '=', sql<string>`ANY(${[...emails]}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.email!));
}

/** Raises a cycle's capacity by `seats` (organiser's walk-ins that take a seat of their own). */
export async function addSeats(trx: Transaction<Database>, cycleId: string, seats: number, now: Date): Promise<void> {
  await trx
    .updateTable('cycles')
    .set((eb) => ({ capacity: eb('capacity', '+', seats), updated_at: now }))
    .where('id', '=', cycleId)
    .execute();
}

/**
 * A whole batch in ONE statement, in the order given: the participants it needs (created on their first
 * sign-up) and their registrations. One statement because it runs while the cycle is locked, where
 * every round trip is paid by everyone queued behind the lock.
 * - The addresses must be distinct (ON CONFLICT DO UPDATE can't touch a row twice). Participants are
 *   upserted in address order, so two batches that share addresses lock those rows in the same order
 *   and can't deadlock.
 * - The identity `seq` follows the order given (rows leave unnest in array order and are sorted by it
 *   before the insert), so arrival order is also the waiting list's order.
 * Returns each new registration's seq and participant id.
 */
export async function insertRegistrations(
  trx: Transaction<Database>,
  rows: readonly NewRegistration[],
): Promise<Map<string, { seq: string; participantId: string }>> {
  if (rows.length === 0) return new Map();
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  const byEmail = [...rows].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  const now = rows[0]!.now;
  const result = await sql<{ id: string; seq: string; participant_id: string }>`
    WITH people AS (
      INSERT INTO participants (email, locale)
      SELECT e, l FROM unnest(${byEmail.map((r) => r.email)}::text[], ${byEmail.map((r) => r.locale)}::text[]) WITH ORDINALITY AS x(e, l, i)
       ORDER BY i
      -- A no-op update so RETURNING yields the existing rows too.
      ON CONFLICT (email) DO UPDATE SET email = excluded.email
      RETURNING id, email
    )
    INSERT INTO registrations (id, cycle_id, participant_id, status, first_name, last_name, organisation, role, network,
                               token_hash, calendar_token_hash, locale, consent_version, consent_at, source,
                               confirmed_at, created_at, updated_at)
    SELECT x.id, x.cycle_id, people.id, x.status, x.first_name, x.last_name, x.organisation, x.role, x.network,
           x.token_hash, x.calendar_token_hash, x.locale, x.consent_version, ${now}::timestamptz, x.source,
           CASE WHEN x.status = 'confirmed' THEN ${now}::timestamptz END, ${now}::timestamptz, ${now}::timestamptz
      FROM unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.cycleId)}::uuid[], ${col((r) => r.email)}::text[],
                  ${col((r) => r.status)}::text[], ${col((r) => r.firstName)}::text[], ${col((r) => r.lastName)}::text[],
                  ${col((r) => r.organisation)}::text[], ${col((r) => r.role)}::text[], ${col((r) => r.network)}::text[],
                  ${col((r) => r.tokenHash)}::bytea[], ${col((r) => r.calendarTokenHash)}::bytea[], ${col((r) => r.locale)}::text[],
                  ${col((r) => r.consentVersion)}::text[], ${col((r) => r.source)}::text[])
           WITH ORDINALITY AS x(id, cycle_id, email, status, first_name, last_name, organisation, role, network,
                                token_hash, calendar_token_hash, locale, consent_version, source, i)
      JOIN people ON people.email = x.email
     ORDER BY x.i
    RETURNING id, seq, participant_id`.execute(trx);
  return new Map(result.rows.map((r) => [r.id, { seq: String(r.seq), participantId: r.participant_id }]));
}

export async function findByTokenHash(db: Executor, hash: Buffer) {
  return withParticipant(db).where('r.token_hash', '=', hash).executeTakeFirst();
}

/**
 * Locks a registration found by its manage-token hash, for a rotation. NO KEY: the row's key does not
 * change, and attendance rows referencing it must not wait (docs/decisions.md). A concurrent rotation with the
 * same token finds, once the lock is released, a hash that no longer matches: nothing.
 */
export async function lockByTokenHash(trx: Transaction<Database>, hash: Buffer) {
  return trx.selectFrom('registrations').select(['id', 'token_version']).where('token_hash', '=', hash).forNoKeyUpdate().executeTakeFirst();
}

export async function setManageToken(trx: Transaction<Database>, id: string, version: number, hash: Buffer) {
  await trx.updateTable('registrations').set({ token_version: version, token_hash: hash }).where('id', '=', id).execute();
}

/**
 * Locks a registration for a change of its status (cancellation, erasure). NO KEY: its id does not
 * change, and the mail log, reminders and attendance rows that reference it (FOR KEY SHARE through their
 * foreign keys) must not wait for it or deadlock with it (docs/decisions.md).
 */
export async function findByIdForUpdate(trx: Transaction<Database>, id: string) {
  return withParticipant(trx).where('r.id', '=', id).forNoKeyUpdate('r').executeTakeFirst();
}

export async function findById(db: Executor, id: string) {
  return withParticipant(db).where('r.id', '=', id).executeTakeFirst();
}

/** 1 for the next in line. */
export async function waitlistPosition(db: Executor, cycleId: string, seq: string): Promise<number> {
  const row = await db
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cycle_id', '=', cycleId)
    .where('status', '=', 'waitlisted')
    .where('seq', '<=', seq as never)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markCancelled(trx: Transaction<Database>, id: string, by: 'participant' | 'organiser' | 'erasure', now: Date) {
  await trx.updateTable('registrations').set({ status: 'cancelled', cancelled_at: now, cancelled_by: by, updated_at: now }).where('id', '=', id).execute();
}

/**
 * Confirms the head of the waiting list, as many as there are free seats, in arrival order. Must run
 * with the cycle locked, in the same transaction as whatever freed the seats.
 */
export async function promoteFromWaitlist(trx: Transaction<Database>, cycleId: string, now: Date): Promise<string[]> {
  const rows = await sql<{ id: string; seq: string }>`
    UPDATE registrations SET status = 'confirmed', confirmed_at = ${now}, updated_at = ${now}
     WHERE id IN (
       SELECT id FROM registrations
        WHERE cycle_id = ${cycleId} AND status = 'waitlisted'
        ORDER BY seq
        LIMIT (SELECT greatest(capacity - seats_taken, 0) FROM cycles WHERE id = ${cycleId}))
    RETURNING id, seq`.execute(trx);
  // RETURNING has no order: sort by arrival so notifications go out in waiting-list order.
  return rows.rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.id);
}

/**
 * A registration with its cycle's slug and title: the start of every query that speaks of both (mail,
 * certificates, calendars, personal data). Each caller adds the columns it needs and its own WHERE.
 */
export function withCycle(db: Executor) {
  return db
    .selectFrom('registrations as r')
    .innerJoin('cycles as c', 'c.id', 'r.cycle_id')
    .select(['r.id', 'r.cycle_id', 'r.status', 'r.locale', 'c.slug as cycle_slug', 'c.title as cycle_title']);
}
