// Every SQL statement about participants and registrations. Executor first (app db or transaction).
import { sql, type Transaction } from 'kysely';
import type { Database, Locale, RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../cycles/cycles.repository.ts';

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

/** One row per e-mail address; returns its id, creating it on first sign-up. */
export async function upsertParticipant(trx: Transaction<Database>, email: string, locale: Locale): Promise<string> {
  const row = await trx
    .insertInto('participants')
    .values({ email, locale })
    // A no-op update so RETURNING yields the existing row too.
    .onConflict((oc) => oc.column('email').doUpdateSet({ email: (eb) => eb.ref('excluded.email') }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findActive(trx: Transaction<Database>, cycleId: string, participantId: string) {
  return trx
    .selectFrom('registrations')
    .select(['id', 'status'])
    .where('cycle_id', '=', cycleId)
    .where('participant_id', '=', participantId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
}

export interface NewRegistration {
  id: string;
  cycleId: string;
  participantId: string;
  status: Exclude<RegistrationStatus, 'cancelled'>;
  firstName: string;
  lastName: string;
  organisation: string;
  role: string | null;
  network: string | null;
  tokenHash: Buffer;
  calendarTokenHash: Buffer;
  locale: Locale;
  consentVersion: string;
  now: Date;
}

export async function insertRegistration(trx: Transaction<Database>, r: NewRegistration): Promise<string> {
  const row = await trx
    .insertInto('registrations')
    .values({
      id: r.id,
      cycle_id: r.cycleId,
      participant_id: r.participantId,
      status: r.status,
      first_name: r.firstName,
      last_name: r.lastName,
      organisation: r.organisation,
      role: r.role,
      network: r.network,
      token_hash: r.tokenHash,
      calendar_token_hash: r.calendarTokenHash,
      locale: r.locale,
      consent_version: r.consentVersion,
      consent_at: r.now,
      confirmed_at: r.status === 'confirmed' ? r.now : null,
      created_at: r.now,
      updated_at: r.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findByTokenHash(db: Executor, hash: Buffer) {
  return withParticipant(db).where('r.token_hash', '=', hash).executeTakeFirst();
}

/**
 * Locks a registration found by its manage-token hash, for a rotation. NO KEY: the row's key does not
 * change, and attendance rows referencing it must not wait (STACK.md). A concurrent rotation with the
 * same token finds, once the lock is released, a hash that no longer matches: nothing.
 */
export async function lockByTokenHash(trx: Transaction<Database>, hash: Buffer) {
  return trx.selectFrom('registrations').select(['id', 'token_version']).where('token_hash', '=', hash).forNoKeyUpdate().executeTakeFirst();
}

export async function setManageToken(trx: Transaction<Database>, id: string, version: number, hash: Buffer) {
  await trx.updateTable('registrations').set({ token_version: version, token_hash: hash }).where('id', '=', id).execute();
}

export async function findByIdForUpdate(trx: Transaction<Database>, id: string) {
  return withParticipant(trx).where('r.id', '=', id).forUpdate('r').executeTakeFirst();
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

export async function markCancelled(
  trx: Transaction<Database>,
  id: string,
  by: 'participant' | 'organiser' | 'erasure',
  now: Date,
) {
  await trx
    .updateTable('registrations')
    .set({ status: 'cancelled', cancelled_at: now, cancelled_by: by, updated_at: now })
    .where('id', '=', id)
    .execute();
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

/** The person's attendance marks, one per session that has a record (absent ones included). */
export async function attendanceOf(db: Executor, registrationId: string) {
  return db
    .selectFrom('attendance')
    .select(['session_id', 'present'])
    .where('registration_id', '=', registrationId)
    .execute();
}
