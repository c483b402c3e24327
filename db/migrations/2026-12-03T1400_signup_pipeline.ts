// The sign-up pipeline (issue 11):
// - the seat counters are kept once per statement instead of once per row: a batch of 500 sign-ups is
//   one INSERT, and the row-level trigger updated the cycle's row 500 times inside the seat lock (about
//   three times the cost of the insert itself, measured); the CHECK on cycles still refuses an oversold
//   seat, now at the end of each statement;
// - reminders come from a scheduler instead of one queued job per meeting per person: reminders_sent is
//   its memory (one row per reminder ever queued), and an index lets each tick find the meetings coming up.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Net change per cycle of the rows a statement inserted (new_rows), deleted (old_rows) or updated
    -- (both: the old row counts out, the new one in). Never written by the application.
    CREATE FUNCTION registrations_keep_counts_per_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE cycles c SET seats_taken = c.seats_taken + d.confirmed, waitlist_length = c.waitlist_length + d.waitlisted
          FROM (SELECT cycle_id, count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
                       count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted
                  FROM new_rows GROUP BY cycle_id) d
         WHERE c.id = d.cycle_id AND (d.confirmed <> 0 OR d.waitlisted <> 0);
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE cycles c SET seats_taken = c.seats_taken - d.confirmed, waitlist_length = c.waitlist_length - d.waitlisted
          FROM (SELECT cycle_id, count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
                       count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted
                  FROM old_rows GROUP BY cycle_id) d
         WHERE c.id = d.cycle_id AND (d.confirmed <> 0 OR d.waitlisted <> 0);
      ELSE
        UPDATE cycles c SET seats_taken = c.seats_taken + d.confirmed, waitlist_length = c.waitlist_length + d.waitlisted
          FROM (SELECT cycle_id, sum(confirmed) AS confirmed, sum(waitlisted) AS waitlisted FROM (
                  SELECT cycle_id, (status = 'confirmed')::int AS confirmed, (status = 'waitlisted')::int AS waitlisted FROM new_rows
                  UNION ALL
                  SELECT cycle_id, -(status = 'confirmed')::int, -(status = 'waitlisted')::int FROM old_rows) x
                 GROUP BY cycle_id) d
         WHERE c.id = d.cycle_id AND (d.confirmed <> 0 OR d.waitlisted <> 0);
      END IF;
      RETURN NULL;
    END $$;

    -- The row-level function of 2026-11-26T1200 stays: down() puts its trigger back.
    DROP TRIGGER registrations_keep_counts ON registrations;
    -- Transition tables allow one event per trigger (and no column list), hence three.
    CREATE TRIGGER registrations_counts_insert AFTER INSERT ON registrations
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registrations_keep_counts_per_statement();
    CREATE TRIGGER registrations_counts_update AFTER UPDATE ON registrations
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registrations_keep_counts_per_statement();
    CREATE TRIGGER registrations_counts_delete AFTER DELETE ON registrations
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registrations_keep_counts_per_statement();

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
    DROP TRIGGER registrations_counts_insert ON registrations;
    DROP TRIGGER registrations_counts_update ON registrations;
    DROP TRIGGER registrations_counts_delete ON registrations;
    DROP FUNCTION registrations_keep_counts_per_statement();
    CREATE TRIGGER registrations_keep_counts
      AFTER INSERT OR DELETE OR UPDATE OF status ON registrations
      FOR EACH ROW EXECUTE FUNCTION registrations_keep_counts();
  `.execute(db);
}
