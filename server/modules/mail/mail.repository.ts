// What a mail needs to be rendered, loaded fresh at send time, and the organiser messages. The queue's
// statements are in mail.queue.ts, the send log's in mail.log.repository.ts. Executor first.
import { sql } from 'kysely';
import type { RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { withCycle } from '../registrations/registrations.repository.ts';

// ---- what a mail is about ---------------------------------------------------------------------------

/** A sessions row as json_agg returns it (timestamps as ISO strings). */
export interface SessionJson {
  id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  location: string | null;
  online_url: string | null;
  status: 'scheduled' | 'cancelled';
  sequence: number;
  created_at: string;
  updated_at: string;
}

/** The registration and every session of its cycle in one round trip (the worker's hot path). */
export async function registrationWithSessions(db: Executor, registrationId: string) {
  const row = await withCycle(db)
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .select([
      'r.seq',
      'r.first_name',
      'r.last_name',
      'r.token_version',
      'r.calendar_token_version',
      'r.created_at',
      'r.confirmed_at',
      'r.cancelled_at',
      'p.email',
      'c.waitlist_enabled',
      'c.contact_name',
      'c.contact_email',
      'c.contact_phone',
      sql<SessionJson[]>`(SELECT coalesce(json_agg(s ORDER BY s.starts_at, s.id), '[]') FROM sessions s WHERE s.cycle_id = r.cycle_id)`.as('sessions'),
    ])
    .where('r.id', '=', registrationId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { sessions, ...registration } = row;
  return { registration, sessions };
}
export type RegistrationContext = NonNullable<Awaited<ReturnType<typeof registrationWithSessions>>>['registration'];

/** The session as it was at `sequence` (a later change recorded it), if it has moved on since. */
export async function sessionRevision(db: Executor, sessionId: string, sequence: number) {
  return db.selectFrom('session_revisions').selectAll().where('session_id', '=', sessionId).where('sequence', '=', sequence).executeTakeFirst();
}

/** The last state before `sequence`: what people knew before the change that produced `sequence`. */
export async function sessionRevisionBefore(db: Executor, sessionId: string, sequence: number) {
  return db
    .selectFrom('session_revisions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('sequence', '<', sequence)
    .orderBy('sequence', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function registrationStatus(db: Executor, registrationId: string) {
  return db.selectFrom('registrations').select(['id', 'status', 'cycle_id']).where('id', '=', registrationId).executeTakeFirst();
}

export async function sessionHead(db: Executor, sessionId: string) {
  return db.selectFrom('sessions').select(['id', 'cycle_id', 'sequence', 'status']).where('id', '=', sessionId).executeTakeFirst();
}

/** Whether the cycle a message is for exists (the id alone: nothing else of it is needed). */
export async function cycleExists(db: Executor, cycleId: string): Promise<boolean> {
  return (await db.selectFrom('cycles').select('id').where('id', '=', cycleId).executeTakeFirst()) !== undefined;
}

export async function organiserMessage(db: Executor, messageId: string) {
  return db.selectFrom('organiser_messages').selectAll().where('id', '=', messageId).executeTakeFirst();
}

export async function insertOrganiserMessage(
  db: Executor,
  m: { id: string; cycleId: string; subject: string; body: string; statuses: RegistrationStatus[]; now: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('organiser_messages')
    .values({ id: m.id, cycle_id: m.cycleId, subject: m.subject, body: m.body, statuses: m.statuses, created_at: m.now })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setOrganiserMessageRecipients(db: Executor, messageId: string, n: number) {
  await db.updateTable('organiser_messages').set({ recipients: n }).where('id', '=', messageId).execute();
}

export async function participantRegistrations(db: Executor, participantId: string) {
  return db
    .selectFrom('participants as p')
    .leftJoin('registrations as r', (j) => j.onRef('r.participant_id', '=', 'p.id').on('r.status', '<>', 'cancelled'))
    .leftJoin('cycles as c', 'c.id', 'r.cycle_id')
    .select([
      'p.email',
      'p.locale',
      'r.id',
      'r.status',
      'r.token_version',
      'c.title as cycle_title',
      (eb) =>
        eb
          .selectFrom('sessions as s')
          .whereRef('s.cycle_id', '=', 'c.id')
          .where('s.status', '=', 'scheduled')
          .select((e) => e.fn.min('s.starts_at').as('v'))
          .as('first_starts_at'),
    ])
    .where('p.id', '=', participantId)
    .orderBy('r.created_at')
    .execute();
}

/** A one-time personal-data link request, with the address and language of its person (none if unknown). */
export async function personalDataRequest(db: Executor, requestId: string) {
  return db
    .selectFrom('personal_data_requests as q')
    .leftJoin('participants as p', 'p.id', 'q.participant_id')
    .select(['q.id', 'q.expires_at', 'p.email', 'p.locale'])
    .where('q.id', '=', requestId)
    .executeTakeFirst();
}
