// Every statement that puts mail jobs into (or takes them out of) graphile-worker's queue. They run in
// the caller's transaction through graphile-worker's own SQL API (add_job, remove_job), so a job exists
// exactly when the change that caused it commits (DESIGN.md rule 5).
//
// job_key_mode 'replace': a second add with the same key updates the pending job (new run_at for a moved
// reminder) instead of adding one; if that job is already running, graphile-worker lets it finish and
// queues a fresh one, and the send log (mail_messages.dedupe_key) stops a second delivery.
import { sql, type Transaction } from 'kysely';
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

const reminderPayload = sql`json_build_object(
  'kind', 'session-reminder', 'registrationId', r.id, 'sessionId', s.id, 'offsetMs', o.ms,
  'startsAtMs', (extract(epoch FROM s.starts_at) * 1000)::bigint)`;
const reminderKeySql = sql`'reminder:' || r.id || ':' || s.id || ':' || o.ms`;
const reminderRunAt = sql`s.starts_at - o.ms * interval '1 millisecond'`;

/**
 * Schedules (or moves) the reminders of confirmed registrations: one job per (registration, session,
 * offset) at start - offset. A reminder whose time has passed is not scheduled; one already queued for
 * it is removed. `registrationId` or `sessionId` narrows which pairs are touched.
 */
export async function scheduleReminders(
  trx: Trx,
  where: { registrationId: string } | { sessionId: string },
  offsetsMs: readonly number[],
  now: Date,
): Promise<{ scheduled: number; removed: number }> {
  if (offsetsMs.length === 0) return { scheduled: 0, removed: 0 };
  const filter =
    'registrationId' in where
      ? sql`r.id = ${where.registrationId}::uuid AND s.cycle_id = r.cycle_id`
      : sql`s.id = ${where.sessionId}::uuid AND r.cycle_id = s.cycle_id`;
  const result = await sql<{ scheduled: string; removed: string }>`
    WITH pairs AS (
      SELECT r.id AS registration_id, s.id AS session_id, o.ms,
             ${reminderKeySql} AS key, ${reminderRunAt} AS run_at, ${reminderPayload} AS payload,
             (r.status = 'confirmed' AND s.status = 'scheduled' AND ${reminderRunAt} > ${now}::timestamptz) AS wanted
        FROM registrations r, sessions s, unnest(${[...offsetsMs]}::bigint[]) AS o(ms)
       WHERE ${filter}
    ),
    added AS (
      SELECT graphile_worker.add_job(${MAIL_TASK}::text, payload => p.payload, run_at => p.run_at,
               max_attempts => ${MAIL_MAX_ATTEMPTS}::int, job_key => p.key, priority => ${PRIORITY.reminder}::int,
               job_key_mode => 'replace')
        FROM pairs p WHERE p.wanted
    ),
    removed AS (
      SELECT graphile_worker.remove_job(p.key) AS job FROM pairs p WHERE NOT p.wanted
    )
    SELECT (SELECT count(*) FROM added) AS scheduled,
           (SELECT count(*) FROM removed WHERE (job).id IS NOT NULL) AS removed`.execute(trx);
  const row = result.rows[0]!;
  return { scheduled: Number(row.scheduled), removed: Number(row.removed) };
}

/** Drops every queued reminder of a registration (it was cancelled). */
export async function removeRemindersOfRegistration(trx: Trx, registrationId: string, offsetsMs: readonly number[]): Promise<void> {
  if (offsetsMs.length === 0) return;
  await sql`
    WITH removed AS (
      SELECT graphile_worker.remove_job('reminder:' || r.id || ':' || s.id || ':' || o.ms)
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
  const result = await sql<{ n: string }>`
    WITH added AS (
      SELECT graphile_worker.add_job(${MAIL_TASK}::text,
               payload => json_build_object('kind', ${kind}::text, 'registrationId', r.id,
                                            'sessionId', ${session.id}::uuid, 'sequence', ${session.sequence}::int),
               max_attempts => ${MAIL_MAX_ATTEMPTS}::int,
               job_key => 'mail:' || ${kind}::text || ':' || ${session.id}::text || ':' || ${session.sequence}::text || ':' || r.id,
               priority => ${PRIORITY.transactional}::int,
               job_key_mode => 'replace')
        FROM registrations r
       WHERE r.cycle_id = ${session.cycleId}::uuid AND r.status = ANY(${statuses}::text[]))
    SELECT count(*) AS n FROM added`.execute(trx);
  return Number(result.rows[0]!.n);
}

/** One organiser-message job per registration of the cycle in `statuses`. */
export async function enqueueOrganiserMessage(
  trx: Trx,
  message: { id: string; cycleId: string; statuses: RegistrationStatus[] },
): Promise<number> {
  const result = await sql<{ n: string }>`
    WITH added AS (
      SELECT graphile_worker.add_job(${MAIL_TASK}::text,
               payload => json_build_object('kind', 'organiser-message', 'registrationId', r.id, 'messageId', ${message.id}::uuid),
               max_attempts => ${MAIL_MAX_ATTEMPTS}::int,
               job_key => 'mail:organiser-message:' || ${message.id}::text || ':' || r.id,
               priority => ${PRIORITY.bulk}::int,
               job_key_mode => 'replace')
        FROM registrations r
       WHERE r.cycle_id = ${message.cycleId}::uuid AND r.status = ANY(${message.statuses}::text[]))
    SELECT count(*) AS n FROM added`.execute(trx);
  return Number(result.rows[0]!.n);
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
