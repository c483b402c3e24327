// The baseline of the registrations benchmark: the statements registrationsService.register() sends,
// in the same order, with the same text and parameters (as Kysely compiles them), issued straight
// through pg without HTTP, zod, Kysely or token derivation. Mirrors, as of this writing:
//   registrations.service.ts register(), cycles.repository.ts lockPublishedBySlug, registrations
//   .repository.ts upsertParticipant / findActive / insertRegistration / findById, and the queue
//   notifier's registrationCreated (mail.repository.ts registrationStatus, mail.queue.ts
//   enqueueWithReminders for a confirmed seat, enqueue for a waitlisted one).
// The benchmark compares this sequence with what the app really sends before measuring, and says so
// when they differ: then this file needs the same change as the service.
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { jobKey, MAIL_MAX_ATTEMPTS, MAIL_TASK, PRIORITY } from '../../server/modules/mail/mail.jobs.ts';

const LOCK_CYCLE = `select "c"."id", "c"."slug", "c"."kind", "c"."title", "c"."summary", "c"."description", "c"."format", "c"."location", "c"."capacity", "c"."waitlist_enabled", "c"."publication", "c"."registration_opens_at", "c"."registration_closes_at", "c"."attendance_threshold", "c"."seats_taken", "c"."waitlist_length", "c"."updated_at", "t"."slug" as "theme_slug", "t"."name_it" as "theme_name_it", "t"."name_en" as "theme_name_en", (select min("s"."starts_at") as "v" from "sessions" as "s" where "s"."cycle_id" = "c"."id" and "s"."status" = $1) as "first_starts_at", (select max("s"."ends_at") as "v" from "sessions" as "s" where "s"."cycle_id" = "c"."id") as "last_ends_at" from "cycles" as "c" inner join "themes" as "t" on "t"."id" = "c"."theme_id" where "c"."slug" = $2 and "c"."publication" = $3 for update of "c"`;

const UPSERT_PARTICIPANT = `insert into "participants" ("email", "locale") values ($1, $2) on conflict ("email") do update set "email" = "excluded"."email" returning "id"`;

const FIND_ACTIVE = `select "id", "status" from "registrations" where "cycle_id" = $1 and "participant_id" = $2 and "status" <> $3`;

const INSERT_REGISTRATION = `insert into "registrations" ("id", "cycle_id", "participant_id", "status", "first_name", "last_name", "organisation", "role", "network", "token_hash", "calendar_token_hash", "locale", "consent_version", "consent_at", "confirmed_at", "created_at", "updated_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) returning "id"`;

const REGISTRATION_STATUS = `select "id", "status", "cycle_id" from "registrations" where "id" = $1`;

// The confirmation and one reminder per (session, offset), in one add_jobs call.
const ADD_CONFIRMATION_AND_REMINDERS = `
    SELECT CASE WHEN cardinality(x.a) > 0 THEN (SELECT count(*)::int FROM graphile_worker.add_jobs(x.a)) ELSE 0 END AS n
      FROM (SELECT ARRAY(SELECT ROW($1::text, ($2::json)::json, NULL::text, (NULL)::timestamptz,
                 $3::int, ($4)::text, $5::int, NULL::text[])::graphile_worker.job_spec AS spec UNION ALL SELECT ROW($6::text, (json_build_object(
  'kind', 'session-reminder', 'registrationId', r.id, 'sessionId', s.id, 'offsetMs', o.ms,
  'startsAtMs', (extract(epoch FROM s.starts_at) * 1000)::bigint))::json, NULL::text, (s.starts_at - o.ms * interval '1 millisecond')::timestamptz,
                 $7::int, ('reminder:' || r.id || ':' || s.id || ':' || o.ms)::text, $8::int, NULL::text[])::graphile_worker.job_spec AS spec
          FROM registrations r JOIN sessions s ON s.cycle_id = r.cycle_id, unnest($9::bigint[]) AS o(ms)
         WHERE r.id = $10::uuid AND (r.status = 'confirmed' AND s.status = 'scheduled' AND s.starts_at - o.ms * interval '1 millisecond' > $11::timestamptz)) AS a) x`;

const ADD_JOB = `
    SELECT graphile_worker.add_job(
      $1::text,
      payload => $2::json,
      run_at => $3::timestamptz,
      max_attempts => $4::int,
      job_key => $5::text,
      priority => $6::int,
      job_key_mode => 'replace')`;

const FIND_BY_ID = `select "r"."id", "r"."seq", "r"."cycle_id", "r"."participant_id", "r"."status", "r"."first_name", "r"."last_name", "r"."organisation", "r"."role", "r"."network", "r"."locale", "r"."consent_version", "r"."consent_at", "r"."source", "r"."created_at", "r"."confirmed_at", "r"."cancelled_at", "r"."token_version", "r"."calendar_token_version", "p"."email" from "registrations" as "r" inner join "participants" as "p" on "p"."id" = "r"."participant_id" where "r"."id" = $1`;

export interface RawPerson {
  email: string;
  firstName: string;
  lastName: string;
  organisation: string;
  role: string | null;
  network: string | null;
}

export interface RawSettings {
  privacyVersion: string;
  reminderOffsetsMs: readonly number[];
}

/** One sign-up as the service does it: 9 statements, the seven after the lock under the cycle's row lock. */
export async function rawRegister(pool: pg.Pool, slug: string, person: RawPerson, settings: RawSettings): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('begin', []);
    const now = new Date();
    const cycle = (await client.query(LOCK_CYCLE, ['scheduled', slug, 'published'])).rows[0] as
      | { id: string; capacity: number; seats_taken: number; waitlist_enabled: boolean }
      | undefined;
    if (!cycle) throw new Error(`cycle ${slug} not found`);
    const participantId = (await client.query(UPSERT_PARTICIPANT, [person.email, 'it'])).rows[0].id as string;
    if ((await client.query(FIND_ACTIVE, [cycle.id, participantId, 'cancelled'])).rows.length > 0) {
      throw new Error(`${person.email} is already registered`);
    }
    const status = cycle.capacity - cycle.seats_taken > 0 ? 'confirmed' : 'waitlisted';
    if (status === 'waitlisted' && !cycle.waitlist_enabled) throw new Error('cycle full');
    const id = randomUUID();
    await client.query(INSERT_REGISTRATION, [
      id,
      cycle.id,
      participantId,
      status,
      person.firstName,
      person.lastName,
      person.organisation,
      person.role,
      person.network,
      randomBytes(32),
      randomBytes(32),
      'it',
      settings.privacyVersion,
      now,
      status === 'confirmed' ? now : null,
      now,
      now,
    ]);
    await client.query(REGISTRATION_STATUS, [id]);
    if (status === 'confirmed') {
      const mail = { kind: 'registration-confirmed' as const, registrationId: id };
      await client.query(ADD_CONFIRMATION_AND_REMINDERS, [
        MAIL_TASK,
        JSON.stringify(mail),
        MAIL_MAX_ATTEMPTS,
        jobKey(mail),
        PRIORITY.transactional,
        MAIL_TASK,
        MAIL_MAX_ATTEMPTS,
        PRIORITY.reminder,
        [...settings.reminderOffsetsMs],
        id,
        new Date(),
      ]);
    } else {
      const mail = { kind: 'registration-waitlisted' as const, registrationId: id };
      await client.query(ADD_JOB, [MAIL_TASK, JSON.stringify(mail), null, MAIL_MAX_ATTEMPTS, jobKey(mail), PRIORITY.transactional]);
    }
    const record = (await client.query(FIND_BY_ID, [id])).rows[0];
    if (!record) throw new Error('registration vanished');
    await client.query('commit', []);
    return status;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
