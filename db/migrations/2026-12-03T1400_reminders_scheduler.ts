// Reminders come from a scheduler instead of one queued job per meeting per person: this table is its
// memory (one row per reminder ever queued), and an index lets each tick find the meetings coming up.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A reminder queued for a registration, a meeting and an offset, at the meeting's start time then.
    -- The primary key is what makes the scheduler idempotent: a tick that runs twice queues nothing
    -- twice. The start time is part of it because a meeting moved to another day is owed its reminders
    -- for the new date (the send log's key for reminders names the start time too).
    CREATE TABLE reminders_sent (
      registration_id uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
      session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      offset_ms bigint NOT NULL CHECK (offset_ms > 0),
      starts_at timestamptz NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (registration_id, session_id, offset_ms, starts_at)
    );
    CREATE INDEX reminders_sent_session_idx ON reminders_sent (session_id);

    -- Each tick looks for scheduled meetings starting within the largest offset.
    CREATE INDEX sessions_scheduled_start_idx ON sessions (starts_at) WHERE status = 'scheduled';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX sessions_scheduled_start_idx;
    DROP TABLE reminders_sent;
  `.execute(db);
}
