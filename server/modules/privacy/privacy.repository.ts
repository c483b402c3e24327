// Every SQL statement of the privacy module: what is held about a person or a registration (export), the
// one-time links to a person's whole data, and the anonymisation that erasure and retention share.
// Executor first.
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { withCycle } from '../registrations/registrations.repository.ts';

/** What an anonymised row says instead of a name. */
export const ANONYMOUS = 'Anonimo';

// ---- what is held about a person --------------------------------------------------------------------

export async function participant(db: Executor, participantId: string) {
  return db.selectFrom('participants').selectAll().where('id', '=', participantId).executeTakeFirst();
}

function registrationRows(db: Executor) {
  return withCycle(db).select([
    'r.first_name',
    'r.last_name',
    'r.organisation',
    'r.role',
    'r.network',
    'r.source',
    'r.consent_version',
    'r.consent_at',
    'r.created_at',
    'r.confirmed_at',
    'r.cancelled_at',
    'r.cancelled_by',
  ]);
}

export type RegistrationRow = Awaited<ReturnType<typeof registrationsOf>>[number];

export async function registrationsOf(db: Executor, participantId: string) {
  return registrationRows(db).where('r.participant_id', '=', participantId).orderBy('r.created_at').execute();
}

export async function registrationById(db: Executor, registrationId: string) {
  return registrationRows(db).where('r.id', '=', registrationId).executeTakeFirst();
}

export async function attendanceOf(db: Executor, registrationIds: string[]) {
  if (registrationIds.length === 0) return [];
  return db
    .selectFrom('attendance as a')
    .innerJoin('sessions as s', 's.id', 'a.session_id')
    .select(['a.registration_id', 'a.session_id', 's.title', 's.starts_at', 'a.present', 'a.method', 'a.marked_at'])
    .where('a.registration_id', 'in', registrationIds)
    .orderBy('s.starts_at')
    .execute();
}

export async function checkInFailuresOf(db: Executor, registrationIds: string[]) {
  if (registrationIds.length === 0) return [];
  return db
    .selectFrom('check_in_failures')
    .select(['registration_id', 'session_id', 'at'])
    .where('registration_id', 'in', registrationIds)
    .orderBy('at')
    .execute();
}

export async function certificatesOf(db: Executor, registrationIds: string[]) {
  if (registrationIds.length === 0) return [];
  return db.selectFrom('certificates').selectAll().where('registration_id', 'in', registrationIds).execute();
}

export async function notices(db: Executor, versions: string[]) {
  if (versions.length === 0) return [];
  return db.selectFrom('privacy_notices').selectAll().where('version', 'in', versions).execute();
}

/** The send log about these registrations, and the mails sent to the address with no registration (links). */
export async function mailOf(db: Executor, registrationIds: string[], email: string | null) {
  return db
    .selectFrom('mail_messages')
    .select(['registration_id', 'template', 'recipient', 'subject', 'status', 'created_at', 'sent_at'])
    .where((eb) => {
      const about = [];
      if (registrationIds.length > 0) about.push(eb('registration_id', 'in', registrationIds));
      if (email) about.push(eb.and([eb('registration_id', 'is', null), eb('recipient', '=', email)]));
      return about.length > 0 ? eb.or(about) : eb.val(false);
    })
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function linkRequestsOf(db: Executor, emailHash: Buffer) {
  return db.selectFrom('link_requests').select('at').where('email_hash', '=', emailHash).orderBy('at').execute();
}

// ---- one-time links to a person's whole data ---------------------------------------------------------

export async function insertRequest(db: Executor, r: { id: string; participantId: string | null; tokenHash: Buffer; createdAt: Date; expiresAt: Date }) {
  await db
    .insertInto('personal_data_requests')
    .values({ id: r.id, participant_id: r.participantId, token_hash: r.tokenHash, created_at: r.createdAt, expires_at: r.expiresAt })
    .execute();
}

/** The live request behind a token (known address, not expired); `lock` for the erasure that uses it up. */
export async function liveRequest(db: Executor, tokenHash: Buffer, now: Date, lock = false) {
  let q = db
    .selectFrom('personal_data_requests')
    .select(['id', 'participant_id'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .where('participant_id', 'is not', null);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && row.participant_id !== null ? { id: row.id, participantId: row.participant_id } : undefined;
}

export async function deleteRequest(db: Executor, id: string) {
  await db.deleteFrom('personal_data_requests').where('id', '=', id).execute();
}

export async function purgeExpiredRequests(db: Executor, now: Date): Promise<number> {
  const r = await db.deleteFrom('personal_data_requests').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- anonymisation ----------------------------------------------------------------------------------

/**
 * Erases the personal data of these registrations, keeping every row that a count needs (status,
 * dates, organisation and territorial network, attendance). Each registration moves to a new empty
 * participant of its own, so nothing links it to the address any more, nor to the person's other
 * registrations; names become "Anonimo", the role goes, both link tokens stop working (their stored
 * hashes become hashes of random values nobody holds), certificates stop verifying, and the send log
 * forgets the address. Returns the previous participant ids, for forgetParticipants().
 */
export async function anonymiseRegistrations(trx: Transaction<Database>, ids: string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const targets = await trx
    .selectFrom('registrations')
    .select(['id', 'participant_id'])
    .where('id', 'in', ids)
    .where('anonymised_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  if (targets.length === 0) return [];
  const regIds = targets.map((t) => t.id);
  const fresh = targets.map(() => randomUUID());
  await trx
    .insertInto('participants')
    .values(fresh.map((id) => ({ id, email: null, locale: 'it' as const, created_at: now, updated_at: now, anonymised_at: now })))
    .execute();
  await sql`
    UPDATE registrations r
       SET participant_id = v.pid,
           first_name = ${ANONYMOUS}, last_name = ${ANONYMOUS}, role = NULL,
           token_hash = sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')),
           calendar_token_hash = sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')),
           token_version = r.token_version + 1,
           calendar_token_version = r.calendar_token_version + 1,
           anonymised_at = ${now}, updated_at = ${now}
      FROM unnest(${regIds}::uuid[], ${fresh}::uuid[]) AS v(id, pid)
     WHERE r.id = v.id`.execute(trx);
  await trx.updateTable('certificates').set({ name: ANONYMOUS, anonymised_at: now }).where('registration_id', 'in', regIds).execute();
  // SMTP answers and errors may quote the address; the subject lines name only the cycle.
  await trx
    .updateTable('mail_messages')
    .set({ recipient: null, smtp_response: null, error: null, updated_at: now })
    .where('registration_id', 'in', regIds)
    .execute();
  return [...new Set(targets.map((t) => t.participant_id))];
}

/**
 * Participants left without any registration: their address is forgotten with them (the rows of the
 * send log addressed to it, then the participant row). Returns the addresses, for the caller to clear
 * what it keeps under them (the links throttle).
 */
export async function forgetParticipants(trx: Transaction<Database>, participantIds: string[], now: Date): Promise<string[]> {
  if (participantIds.length === 0) return [];
  const orphans = await trx
    .selectFrom('participants as p')
    .select(['p.id', 'p.email'])
    .where('p.id', 'in', participantIds)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('registrations as r').select('r.id').whereRef('r.participant_id', '=', 'p.id'))))
    .forUpdate()
    .execute();
  if (orphans.length === 0) return [];
  const emails = orphans.map((o) => o.email).filter((e): e is string => e !== null);
  if (emails.length > 0) {
    await trx
      .updateTable('mail_messages')
      .set({ recipient: null, smtp_response: null, error: null, updated_at: now })
      .where('recipient', 'in', emails)
      .execute();
  }
  await trx
    .deleteFrom('participants')
    .where(
      'id',
      'in',
      orphans.map((o) => o.id),
    )
    .execute();
  return emails;
}

/**
 * Erasure on request: the verification records of these registrations' certificates go (retention,
 * which shares anonymiseRegistrations, keeps them for their own period).
 */
export async function forgetVerifications(trx: Transaction<Database>, registrationIds: string[]) {
  if (registrationIds.length === 0) return;
  await trx
    .deleteFrom('certificate_verifications')
    .where('code', 'in', trx.selectFrom('certificates').select('code').where('registration_id', 'in', registrationIds))
    .execute();
}

/** Verification records whose last meeting ended more than `months` months before `now`. */
export async function purgeVerifications(db: Executor, now: Date, months: number): Promise<number> {
  const r = await db
    .deleteFrom('certificate_verifications')
    .where('last_session_at', '<', sql<Date>`${now}::timestamptz - make_interval(months => ${months}::int)`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Registrations whose cycle's last meeting ended before `months` months before `now`, not yet anonymised. */
export async function dueForRetention(db: Executor, now: Date, months: number, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    SELECT r.id FROM registrations r
      JOIN (SELECT s.cycle_id, max(s.ends_at) AS ended_at FROM sessions s GROUP BY s.cycle_id) e ON e.cycle_id = r.cycle_id
     WHERE r.anonymised_at IS NULL
       AND e.ended_at < ${now}::timestamptz - make_interval(months => ${months}::int)
     ORDER BY r.id
     LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

export async function ensureNotice(db: Executor, version: string, now: Date) {
  await db
    .insertInto('privacy_notices')
    .values({
      version,
      published_at: now,
      summary_it: 'Versione registrata all’avvio del servizio: il testo è quello pubblicato alla pagina /privacy in quella data.',
      summary_en: 'Version recorded when the service started: the text is the one published at /privacy on that date.',
    })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}
