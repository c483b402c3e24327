// The send log (mail_messages): one row per message, keyed by its deduplication key, claimed before
// SMTP and marked after, so an organiser sees who got what and when, and nothing is sent twice under
// one key. Executor first.
import { sql } from 'kysely';
import type { MailStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

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

export type ClaimResult = { outcome: 'claimed'; attempts: number; possibleDuplicate: boolean } | { outcome: 'done'; status: MailStatus } | { outcome: 'busy' };

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

/**
 * Messages the SMTP server accepted before a process ended (mail.accepted.ts), recorded 'sent'. Only
 * rows still open, and only the message we sent (same Message-ID): never over 'sent'/'failed'. Returns
 * how many rows changed.
 */
export async function markAcceptedSent(
  db: Executor,
  entries: readonly { dedupeKey: string; messageId: string; response: string; at: string }[],
): Promise<number> {
  const r = await sql`
    UPDATE mail_messages m
       SET status = 'sent', smtp_response = e.response, error = NULL, sent_at = e.at, updated_at = now()
      FROM unnest(${entries.map((e) => e.dedupeKey)}::text[], ${entries.map((e) => e.messageId)}::text[],
                  ${entries.map((e) => e.response)}::text[], ${entries.map((e) => e.at)}::timestamptz[]) AS e(key, message_id, response, at)
     WHERE m.dedupe_key = e.key AND m.message_id = e.message_id AND m.status IN ('sending', 'retrying')`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export async function markUnsent(db: Executor, dedupeKey: string, r: { status: 'retrying' | 'failed'; error: string; smtpResponse: string | null; now: Date }) {
  await db
    .updateTable('mail_messages')
    .set({ status: r.status, error: r.error.slice(0, 2000), smtp_response: r.smtpResponse?.slice(0, 1000) ?? null, updated_at: r.now })
    .where('dedupe_key', '=', dedupeKey)
    .where('status', '=', 'sending')
    .execute();
}

/** A claimed message that will not be sent after all (the mailbox's hourly cap): 'skipped', with why. */
export async function markSkipped(db: Executor, dedupeKey: string, r: { reason: string; now: Date }) {
  await db
    .updateTable('mail_messages')
    .set({ status: 'skipped', error: r.reason, updated_at: r.now })
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
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit ?? 500)
    .execute();
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
