// Every statement that puts mail jobs into (or takes them out of) graphile-worker's queue. They run in
// the caller's transaction through graphile-worker's own SQL API (add_job, add_jobs, remove_job), so a
// job exists exactly when the change that caused it commits (DESIGN.md rule 5).
//
// Keys replace: adding a job whose key is pending updates that job (a moved reminder gets its new
// run_at) instead of adding one; if that job is already running, graphile-worker lets it finish and
// queues a fresh one, and the send log (mail_messages.dedupe_key) stops a second delivery.
//
// Several jobs of one change go in ONE add_jobs call: each add_job is a plpgsql round with its own
// NOTIFY, and NOTIFY serialises commits, so a sign-up that added its confirmation and eight reminders
// one by one ran at about 40% of the rate of a sign-up without mail.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database, RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../cycles/cycles.repository.ts';
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

const reminderPayload = sql`json_build_object(
  'kind', 'session-reminder', 'registrationId', r.id, 'sessionId', s.id, 'offsetMs', o.ms,
  'startsAtMs', (extract(epoch FROM s.starts_at) * 1000)::bigint)`;
const reminderKey = sql`'reminder:' || r.id || ':' || s.id || ':' || o.ms`;
const reminderRunAt = sql`s.starts_at - o.ms * interval '1 millisecond'`;
const reminderWanted = (now: Date) =>
  sql`(r.status = 'confirmed' AND s.status = 'scheduled' AND ${reminderRunAt} > ${now}::timestamptz)`;

/**
 * A registration's mail (`along`: its confirmation or promotion) and its reminders, in one add_jobs
 * call: one job per (session, offset) at start - offset, none whose time has passed. For a registration
 * that had none before (new, or just off the waiting list), so nothing needs removing.
 */
export async function enqueueWithReminders(
  trx: Trx,
  registrationId: string,
  along: MailPayload | null,
  offsetsMs: readonly number[],
  now: Date,
): Promise<number> {
  const mail = along
    ? sql`SELECT ${spec(sql`${JSON.stringify(along)}::json`, sql`${jobKey(along)}`, null, PRIORITY.transactional)} AS spec UNION ALL `
    : sql``;
  return addAll(
    trx,
    sql`${mail}SELECT ${spec(reminderPayload, reminderKey, reminderRunAt, PRIORITY.reminder)} AS spec
          FROM registrations r JOIN sessions s ON s.cycle_id = r.cycle_id, unnest(${[...offsetsMs]}::bigint[]) AS o(ms)
         WHERE r.id = ${registrationId}::uuid AND ${reminderWanted(now)}`,
  );
}

/**
 * Reschedules the reminders of a session that changed, for every registration of its cycle: re-added
 * (same key, new run_at) where still wanted, removed where the registration is not confirmed, the
 * session is cancelled or the time has passed.
 */
export async function rescheduleSessionReminders(
  trx: Trx,
  sessionId: string,
  offsetsMs: readonly number[],
  now: Date,
): Promise<{ scheduled: number; removed: number }> {
  if (offsetsMs.length === 0) return { scheduled: 0, removed: 0 };
  const pairs = sql`registrations r JOIN sessions s ON r.cycle_id = s.cycle_id, unnest(${[...offsetsMs]}::bigint[]) AS o(ms)
                    WHERE s.id = ${sessionId}::uuid`;
  const scheduled = await addAll(
    trx,
    sql`SELECT ${spec(reminderPayload, reminderKey, reminderRunAt, PRIORITY.reminder)} AS spec FROM ${pairs} AND ${reminderWanted(now)}`,
  );
  const removed = await sql<{ n: number }>`
    WITH gone AS (SELECT graphile_worker.remove_job(${reminderKey}) AS job FROM ${pairs} AND NOT ${reminderWanted(now)})
    SELECT count(*)::int AS n FROM gone WHERE (job).id IS NOT NULL`.execute(trx);
  return { scheduled, removed: removed.rows[0]!.n };
}

/** Drops every queued reminder of a registration (it was cancelled). */
export async function removeRemindersOfRegistration(trx: Trx, registrationId: string, offsetsMs: readonly number[]): Promise<void> {
  if (offsetsMs.length === 0) return;
  await sql`
    WITH removed AS (
      SELECT graphile_worker.remove_job(${reminderKey})
        FROM registrations r JOIN sessions s ON s.cycle_id = r.cycle_id, unnest(${[...offsetsMs]}::bigint[]) AS o(ms)
       WHERE r.id = ${registrationId}::uuid)
    SELECT count(*) FROM removed`.execute(trx);
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
export async function enqueueOrganiserMessage(
  trx: Trx,
  message: { id: string; cycleId: string; statuses: RegistrationStatus[] },
): Promise<number> {
  const payload = sql`json_build_object('kind', 'organiser-message', 'registrationId', r.id, 'messageId', ${message.id}::uuid)`;
  const key = sql`'mail:organiser-message:' || ${message.id}::text || ':' || r.id`;
  return addAll(
    trx,
    sql`SELECT ${spec(payload, key, null, PRIORITY.bulk)} AS spec FROM registrations r
         WHERE r.cycle_id = ${message.cycleId}::uuid AND r.status = ANY(${message.statuses}::text[])`,
  );
}

/** Pending mail jobs whose key starts with `prefix` (tests and the organiser's view of what is queued). */
export async function pendingJobs(db: Executor, prefix: string) {
  const result = await sql<{ key: string; run_at: Date; attempts: number; last_error: string | null; payload: unknown }>`
    SELECT j.key, j.run_at, j.attempts, j.last_error, j.payload
      FROM graphile_worker.jobs j
     WHERE j.task_identifier = ${MAIL_TASK} AND j.key LIKE ${prefix.replace(/[\\%_]/g, '\\$&') + '%'}
     ORDER BY j.run_at, j.key`.execute(db);
  return result.rows;
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
