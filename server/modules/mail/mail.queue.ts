// Every statement that puts mail jobs into (or takes them out of) graphile-worker's queue. They run in
// the caller's transaction through graphile-worker's own SQL API (add_job, add_jobs, remove_job), so a
// job exists exactly when the change that caused it commits (docs/architecture.md rule 5).
//
// Keys replace: adding a job whose key is pending updates that job instead of adding one; if that job is
// already running, graphile-worker lets it finish and queues a fresh one, and the send log
// (mail_messages.dedupe_key) stops a second delivery.
//
// Several jobs of one change go in ONE add_jobs call: each add_job is a plpgsql round with its own
// NOTIFY, and NOTIFY serialises commits, so a sign-up that added its confirmation and eight reminders
// one by one ran at about 40% of the rate of a sign-up without mail. Sign-ups go further: a whole batch
// shares one call, and reminders are not queued at sign-up at all (enqueueDueReminders).
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database, RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { jobKey, MAIL_MAX_ATTEMPTS, MAIL_TASK, PRIORITY, type MailPayload } from './mail.jobs.ts';

type Trx = Transaction<Database> | Executor;

/** One job. `runAt` in the future schedules it; `priority` lower runs first. */
export async function enqueue(trx: Trx, payload: MailPayload, opts: { runAt?: Date; priority?: number } = {}): Promise<void> {
  await sql`
    SELECT graphile_worker.add_job(
      ${MAIL_TASK}::text,
      payload => ${JSON.stringify(payload)}::json,
      run_at => ${opts.runAt ?? null}::timestamptz,
      max_attempts => ${MAIL_MAX_ATTEMPTS}::int,
      job_key => ${jobKey(payload)}::text,
      priority => ${opts.priority ?? PRIORITY.transactional}::int,
      job_key_mode => 'replace')`.execute(trx);
}

/** graphile_worker.job_spec of a mail job, from SQL expressions. */
function spec(payload: RawBuilder<unknown>, key: RawBuilder<unknown>, runAt: RawBuilder<unknown> | null, priority: number) {
  return sql`ROW(${MAIL_TASK}::text, (${payload})::json, NULL::text, (${runAt ?? sql`NULL`})::timestamptz,
                 ${MAIL_MAX_ATTEMPTS}::int, (${key})::text, ${priority}::int, NULL::text[])::graphile_worker.job_spec`;
}

/**
 * Adds every spec the query yields (column `spec`) in one add_jobs call; none, no call (add_jobs would
 * still NOTIFY). Returns how many were added.
 */
async function addAll(trx: Trx, specs: RawBuilder<unknown>): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT CASE WHEN cardinality(x.a) > 0 THEN (SELECT count(*)::int FROM graphile_worker.add_jobs(x.a)) ELSE 0 END AS n
      FROM (SELECT ARRAY(${specs}) AS a) x`.execute(trx);
  return r.rows[0]!.n;
}

/**
 * The first mail of each registration of a sign-up batch (confirmed or waiting list), in ONE add_jobs
 * call whatever the batch size: inside the seat lock this is the only statement mail costs.
 */
export async function enqueueRegistrationMails(
  trx: Trx,
  mails: readonly { registrationId: string; kind: 'registration-confirmed' | 'registration-waitlisted' }[],
): Promise<number> {
  if (mails.length === 0) return 0;
  const payload = sql`json_build_object('kind', x.kind, 'registrationId', x.id)`;
  // The same key as jobKey() gives these payloads.
  const key = sql`'mail:' || x.kind || ':' || x.id`;
  return addAll(
    trx,
    sql`SELECT ${spec(payload, key, null, PRIORITY.transactional)} AS spec
          FROM unnest(${mails.map((m) => m.registrationId)}::uuid[], ${mails.map((m) => m.kind)}::text[]) AS x(id, kind)`,
  );
}

/**
 * The reminder scheduler's one statement: every reminder due at `now` that was never queued, queued.
 * Due means: a confirmed registration, a scheduled meeting whose start minus the offset has come and
 * which is still more than half the offset away (later than that, the reminder would arrive next to the
 * next one or after the day was planned; send time re-checks the same), and the person was already
 * confirmed when the reminder came due (someone who signs up, or is promoted, an hour before a meeting
 * gets no "in two days" reminder). `reminders_sent` makes it idempotent: one row per registration,
 * meeting, offset and start time, so a tick that runs twice, or two workers ticking together, queue
 * each reminder once; a meeting moved to a new time is owed its reminders again; a cancelled meeting,
 * a cancelled registration or a moved one simply is not due, with nothing to reschedule or remove.
 */
export async function enqueueDueReminders(trx: Trx, offsetsMs: readonly number[], now: Date): Promise<number> {
  if (offsetsMs.length === 0) return 0;
  const ms = sql`* interval '1 millisecond'`;
  const payload = sql`json_build_object('kind', 'session-reminder', 'registrationId', c.registration_id, 'sessionId', c.session_id,
    'offsetMs', c.offset_ms, 'startsAtMs', (extract(epoch FROM c.starts_at) * 1000)::bigint)`;
  const key = sql`'reminder:' || c.registration_id || ':' || c.session_id || ':' || c.offset_ms`;
  const r = await sql<{ n: number }>`
    WITH claimed AS (
      INSERT INTO reminders_sent (registration_id, session_id, offset_ms, starts_at, queued_at)
      SELECT r.id, s.id, o.ms, s.starts_at, ${now}::timestamptz
        FROM unnest(${[...offsetsMs]}::bigint[]) AS o(ms)
        JOIN sessions s ON s.status = 'scheduled'
                       AND s.starts_at <= ${now}::timestamptz + o.ms ${ms}
                       AND s.starts_at > ${now}::timestamptz + (o.ms / 2) ${ms}
        JOIN registrations r ON r.cycle_id = s.cycle_id AND r.status = 'confirmed'
                            AND r.confirmed_at <= s.starts_at - o.ms ${ms}
      ON CONFLICT DO NOTHING
      RETURNING registration_id, session_id, offset_ms, starts_at)
    SELECT CASE WHEN cardinality(x.a) > 0 THEN (SELECT count(*)::int FROM graphile_worker.add_jobs(x.a)) ELSE 0 END AS n
      FROM (SELECT ARRAY(SELECT ${spec(payload, key, null, PRIORITY.reminder)} FROM claimed c) AS a) x`.execute(trx);
  return r.rows[0]!.n;
}

/**
 * One mail per registration of a session's cycle whose status is in `statuses`, about that session at
 * `sequence` (the key carries it: a second move is a second mail, a repeated call is not).
 */
export async function enqueueSessionMails(
  trx: Trx,
  kind: 'session-changed' | 'session-cancelled',
  session: { id: string; cycleId: string; sequence: number },
  statuses: RegistrationStatus[],
): Promise<number> {
  const payload = sql`json_build_object('kind', ${kind}::text, 'registrationId', r.id, 'sessionId', ${session.id}::uuid, 'sequence', ${session.sequence}::int)`;
  const key = sql`'mail:' || ${kind}::text || ':' || ${session.id}::text || ':' || ${session.sequence}::text || ':' || r.id`;
  return addAll(
    trx,
    sql`SELECT ${spec(payload, key, null, PRIORITY.transactional)} AS spec FROM registrations r
         WHERE r.cycle_id = ${session.cycleId}::uuid AND r.status = ANY(${statuses}::text[])`,
  );
}

/** One organiser-message job per registration of the cycle in `statuses`. */
export async function enqueueOrganiserMessage(trx: Trx, message: { id: string; cycleId: string; statuses: RegistrationStatus[] }): Promise<number> {
  const payload = sql`json_build_object('kind', 'organiser-message', 'registrationId', r.id, 'messageId', ${message.id}::uuid)`;
  const key = sql`'mail:organiser-message:' || ${message.id}::text || ':' || r.id`;
  return addAll(
    trx,
    sql`SELECT ${spec(payload, key, null, PRIORITY.bulk)} AS spec FROM registrations r
         WHERE r.cycle_id = ${message.cycleId}::uuid AND r.status = ANY(${message.statuses}::text[])`,
  );
}

/**
 * The materials announcement (mail.notifier.ts): one job per confirmed, not anonymised registration
 * that may see the material, run at `runAt`. Keyed by person and meeting (or cycle, for a material of the whole cycle)
 * and replacing: uploads one after another make one pending job, hence one mail. "May see" is the SQL
 * form of materials.access.ts maySee: public and registered materials go to every confirmed person,
 * the others only to those present at that meeting (or at any meeting of the cycle).
 */
export async function enqueueMaterialsAnnouncement(trx: Trx, materialId: string, runAt: Date): Promise<number> {
  const result = await sql<{ n: string }>`
    WITH m AS (SELECT id, cycle_id, session_id, visibility FROM materials WHERE id = ${materialId}::uuid),
    added AS (
      SELECT graphile_worker.add_job(${MAIL_TASK}::text,
               payload => json_build_object('kind', 'materials-available', 'registrationId', r.id, 'cycleId', m.cycle_id,
                                            'sessionId', m.session_id, 'materialId', m.id),
               run_at => ${runAt}::timestamptz,
               max_attempts => ${MAIL_MAX_ATTEMPTS}::int,
               job_key => 'mail:materials-available:' || coalesce(m.session_id::text, 'cycle-' || m.cycle_id::text) || ':' || r.id,
               priority => ${PRIORITY.bulk}::int,
               job_key_mode => 'replace')
        FROM m JOIN registrations r ON r.cycle_id = m.cycle_id
       WHERE r.status = 'confirmed' AND r.anonymised_at IS NULL
         AND (m.visibility IN ('public', 'registered')
              OR EXISTS (SELECT 1 FROM attendance a JOIN sessions s ON s.id = a.session_id
                          WHERE a.registration_id = r.id AND a.present AND s.cycle_id = m.cycle_id
                            AND (m.session_id IS NULL OR a.session_id = m.session_id))))
    SELECT count(*) AS n FROM added`.execute(trx);
  return Number(result.rows[0]!.n);
}

/**
 * Error texts the queue keeps in its job rows (last_error) can quote an address (an SMTP refusal, a
 * database message); the mail task already strips them, this clears any that got through, daily.
 */
export async function scrubQueueErrors(db: Executor): Promise<number> {
  const r = await sql`
    UPDATE graphile_worker._private_jobs
       SET last_error = regexp_replace(last_error, '[^\\s<>"''(),;:]+@[^\\s<>"''(),;:]+', '<address>', 'g')
     WHERE last_error LIKE '%@%'`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
