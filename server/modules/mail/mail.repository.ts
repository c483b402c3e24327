// Every SQL statement of the mail module apart from the queue itself: what a mail needs to be rendered
// (loaded fresh at send time) and the send log. Executor first.
import { sql } from 'kysely';
import type { MailStatus, RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../cycles/cycles.repository.ts';

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
  const row = await db
    .selectFrom('registrations as r')
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .innerJoin('cycles as c', 'c.id', 'r.cycle_id')
    .select([
      'r.id',
      'r.seq',
      'r.status',
      'r.first_name',
      'r.last_name',
      'r.locale',
      'r.token_version',
      'r.calendar_token_version',
      'r.created_at',
      'r.confirmed_at',
      'r.cancelled_at',
      'r.cycle_id',
      'p.email',
      'c.slug as cycle_slug',
      'c.title as cycle_title',
      'c.waitlist_enabled',
      sql<SessionJson[]>`(SELECT coalesce(json_agg(s ORDER BY s.starts_at, s.id), '[]') FROM sessions s WHERE s.cycle_id = r.cycle_id)`.as(
        'sessions',
      ),
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
  return db
    .selectFrom('session_revisions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('sequence', '=', sequence)
    .executeTakeFirst();
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

// ---- the send log -----------------------------------------------------------------------------------

export interface LogSubject {
  dedupeKey: string;
  template: string;
  registrationId: string | null;
  cycleId: string | null;
  sessionId: string | null;
  jobId: string;
  jobKey: string | null;
}

export interface ClaimInput extends LogSubject {
  recipient: string;
  subject: string;
  locale: 'it' | 'en';
  messageId: string;
  now: Date;
  /** A 'sending' row older than this belongs to an attempt that died: it may be taken over. */
  leaseMs: number;
}

export type ClaimResult =
  | { outcome: 'claimed'; attempts: number; possibleDuplicate: boolean }
  | { outcome: 'done'; status: MailStatus }
  | { outcome: 'busy' };

/**
 * Takes the right to send this message, in one statement: a new row, or a row left 'retrying' or
 * 'skipped', or a 'sending' row of this same job's earlier attempt (or past its lease). A row already
 * 'sent' or 'failed' is final; a 'sending' row of another live job means someone else is on it.
 * Taking over a 'sending' row flags possible_duplicate: that attempt may have reached SMTP.
 */
export async function claim(db: Executor, c: ClaimInput): Promise<ClaimResult> {
  const staleBefore = new Date(c.now.getTime() - c.leaseMs);
  const row = await db
    .insertInto('mail_messages')
    .values({
      dedupe_key: c.dedupeKey,
      template: c.template,
      registration_id: c.registrationId,
      cycle_id: c.cycleId,
      session_id: c.sessionId,
      recipient: c.recipient,
      subject: c.subject,
      locale: c.locale,
      status: 'sending',
      attempts: 1,
      job_id: c.jobId,
      job_key: c.jobKey,
      message_id: c.messageId,
      created_at: c.now,
      updated_at: c.now,
      claimed_at: c.now,
    })
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .doUpdateSet({
          status: 'sending',
          attempts: sql`mail_messages.attempts + 1`,
          recipient: c.recipient,
          subject: c.subject,
          locale: c.locale,
          job_id: c.jobId,
          job_key: c.jobKey,
          message_id: c.messageId,
          error: null,
          claimed_at: c.now,
          updated_at: c.now,
          possible_duplicate: sql`mail_messages.possible_duplicate OR mail_messages.status = 'sending'`,
        })
        .where((eb) =>
          eb.or([
            eb('mail_messages.status', 'in', ['retrying', 'skipped']),
            eb.and([
              eb('mail_messages.status', '=', 'sending'),
              eb.or([eb('mail_messages.job_id', '=', c.jobId), eb('mail_messages.claimed_at', '<', staleBefore)]),
            ]),
          ]),
        ),
    )
    .returning(['attempts', 'possible_duplicate'])
    .executeTakeFirst();
  if (row) return { outcome: 'claimed', attempts: row.attempts, possibleDuplicate: row.possible_duplicate };
  const existing = await db.selectFrom('mail_messages').select('status').where('dedupe_key', '=', c.dedupeKey).executeTakeFirst();
  if (!existing || existing.status === 'sending') return { outcome: 'busy' };
  return { outcome: 'done', status: existing.status };
}

export async function markSent(db: Executor, dedupeKey: string, r: { smtpResponse: string; now: Date }) {
  await db
    .updateTable('mail_messages')
    .set({ status: 'sent', smtp_response: r.smtpResponse.slice(0, 1000), error: null, sent_at: r.now, updated_at: r.now })
    .where('dedupe_key', '=', dedupeKey)
    .execute();
}

export async function markUnsent(
  db: Executor,
  dedupeKey: string,
  r: { status: 'retrying' | 'failed'; error: string; smtpResponse: string | null; now: Date },
) {
  await db
    .updateTable('mail_messages')
    .set({ status: r.status, error: r.error.slice(0, 2000), smtp_response: r.smtpResponse?.slice(0, 1000) ?? null, updated_at: r.now })
    .where('dedupe_key', '=', dedupeKey)
    .where('status', '=', 'sending')
    .execute();
}

/** Records a message that was not sent because the state no longer calls for it (never over 'sent'). */
export async function recordSkipped(db: Executor, s: LogSubject & { reason: string; recipient: string | null; now: Date }) {
  await db
    .insertInto('mail_messages')
    .values({
      dedupe_key: s.dedupeKey,
      template: s.template,
      registration_id: s.registrationId,
      cycle_id: s.cycleId,
      session_id: s.sessionId,
      recipient: s.recipient,
      status: 'skipped',
      job_id: s.jobId,
      job_key: s.jobKey,
      error: s.reason,
      created_at: s.now,
      updated_at: s.now,
    })
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .doUpdateSet({ status: 'skipped', error: s.reason, job_id: s.jobId, updated_at: s.now })
        .where('mail_messages.status', 'in', ['skipped', 'retrying']),
    )
    .execute();
}

export interface LogFilter {
  cycleId?: string;
  registrationId?: string;
  limit?: number;
}

/** The log as an organiser reads it: newest first. */
export async function listLog(db: Executor, f: LogFilter) {
  let q = db
    .selectFrom('mail_messages')
    .select([
      'id',
      'template',
      'registration_id',
      'session_id',
      'recipient',
      'subject',
      'status',
      'attempts',
      'smtp_response',
      'error',
      'possible_duplicate',
      'created_at',
      'sent_at',
    ]);
  if (f.cycleId) q = q.where('cycle_id', '=', f.cycleId);
  if (f.registrationId) q = q.where('registration_id', '=', f.registrationId);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 500).execute();
}

export async function logStats(db: Executor) {
  const rows = await db
    .selectFrom('mail_messages')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>(sql`possible_duplicate::int`).as('dups')])
    .groupBy('status')
    .execute();
  const byStatus: Partial<Record<MailStatus, number>> = {};
  let possibleDuplicates = 0;
  for (const r of rows) {
    byStatus[r.status] = Number(r.n);
    possibleDuplicates += Number(r.dups ?? 0);
  }
  return { byStatus, possibleDuplicates };
}
