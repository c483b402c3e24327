// The baseline of the registrations benchmark: the statements registrationsService.register() sends,
// in the same order, with the same text and parameters (as Kysely compiles them), issued straight
// through pg without HTTP, zod, Kysely or token derivation. Keep in step with
// server/modules/registrations/registrations.service.ts and the two repositories it calls: when the
// service changes its statements, this file changes with it, or the ratio stops meaning anything.
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

// cycles.repository.ts lockPublishedBySlug (cycleColumns ... FOR UPDATE OF c)
const LOCK_CYCLE = `select "c"."id", "c"."slug", "c"."kind", "c"."title", "c"."summary", "c"."description", "c"."format", "c"."location", "c"."capacity", "c"."waitlist_enabled", "c"."publication", "c"."registration_opens_at", "c"."registration_closes_at", "c"."attendance_threshold", "c"."seats_taken", "c"."waitlist_length", "c"."updated_at", "t"."slug" as "theme_slug", "t"."name_it" as "theme_name_it", "t"."name_en" as "theme_name_en", (select min("s"."starts_at") as "v" from "sessions" as "s" where "s"."cycle_id" = "c"."id" and "s"."status" = $1) as "first_starts_at", (select max("s"."ends_at") as "v" from "sessions" as "s" where "s"."cycle_id" = "c"."id") as "last_ends_at" from "cycles" as "c" inner join "themes" as "t" on "t"."id" = "c"."theme_id" where "c"."slug" = $2 and "c"."publication" = $3 for update of "c"`;

// registrations.repository.ts upsertParticipant
const UPSERT_PARTICIPANT = `insert into "participants" ("email", "locale") values ($1, $2) on conflict ("email") do update set "email" = "excluded"."email" returning "id"`;

// registrations.repository.ts findActive
const FIND_ACTIVE = `select "id", "status" from "registrations" where "cycle_id" = $1 and "participant_id" = $2 and "status" <> $3`;

// registrations.repository.ts insertRegistration
const INSERT_REGISTRATION = `insert into "registrations" ("id", "cycle_id", "participant_id", "status", "first_name", "last_name", "organisation", "role", "network", "token_hash", "calendar_token_hash", "locale", "consent_version", "consent_at", "confirmed_at", "created_at", "updated_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) returning "id"`;

// registrations.repository.ts findById (the re-read with the participant's e-mail)
const FIND_BY_ID = `select "r"."id", "r"."seq", "r"."cycle_id", "r"."participant_id", "r"."status", "r"."first_name", "r"."last_name", "r"."organisation", "r"."role", "r"."network", "r"."locale", "r"."consent_version", "r"."consent_at", "r"."source", "r"."created_at", "r"."confirmed_at", "r"."cancelled_at", "r"."token_version", "r"."calendar_token_version", "p"."email" from "registrations" as "r" inner join "participants" as "p" on "p"."id" = "r"."participant_id" where "r"."id" = $1`;

export interface RawPerson {
  email: string;
  firstName: string;
  lastName: string;
  organisation: string;
  role: string | null;
  network: string | null;
}

/** One sign-up as the service does it: 7 round trips, the last five under the cycle's row lock. */
export async function rawRegister(pool: pg.Pool, slug: string, person: RawPerson, privacyVersion: string): Promise<string> {
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
      privacyVersion,
      now,
      status === 'confirmed' ? now : null,
      now,
      now,
    ]);
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
