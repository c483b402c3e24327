// Mail: the send log (who got what, when, with what result), the bulk messages organisers write, and
// the revisions of sessions a "meeting moved" mail needs (what it was before). The queue itself is
// graphile-worker's own schema, installed by its migrations after these (server.ts, tests/helpers).
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One row per message Officina decided to send (or to skip), keyed by its deduplication key: the
    -- worker claims the row before talking to SMTP and marks it sent after, so a second job with the same
    -- key (a double click, a retry after a crash) finds 'sent' and sends nothing.
    CREATE TABLE mail_messages (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dedupe_key text NOT NULL UNIQUE,
      template text NOT NULL,
      registration_id uuid REFERENCES registrations(id) ON DELETE SET NULL,
      cycle_id uuid REFERENCES cycles(id) ON DELETE SET NULL,
      session_id uuid REFERENCES sessions(id) ON DELETE SET NULL,
      -- Personal data: cleared with the registration's when it is erased.
      recipient text,
      subject text,
      locale text CHECK (locale IN ('it', 'en')),
      status text NOT NULL CHECK (status IN ('sending', 'sent', 'retrying', 'failed', 'skipped')),
      attempts integer NOT NULL DEFAULT 0,
      job_id bigint,
      job_key text,
      message_id text,
      smtp_response text,
      error text,
      -- Set when a send is repeated after an earlier attempt reached SMTP and its outcome was never
      -- recorded (crash in that window): the message may have arrived twice.
      possible_duplicate boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      claimed_at timestamptz,
      sent_at timestamptz,
      CONSTRAINT mail_messages_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL))
    );
    CREATE INDEX mail_messages_registration_idx ON mail_messages (registration_id, created_at);
    CREATE INDEX mail_messages_cycle_idx ON mail_messages (cycle_id, created_at);
    CREATE INDEX mail_messages_open_idx ON mail_messages (status, updated_at) WHERE status IN ('sending', 'retrying', 'failed');

    -- What an organiser wrote to a cycle. The id is the idempotency key of the send: the same id twice
    -- (a double click) enqueues nothing new.
    CREATE TABLE organiser_messages (
      id uuid PRIMARY KEY,
      cycle_id uuid NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
      statuses text[] NOT NULL CHECK (statuses <@ ARRAY['confirmed', 'waitlisted', 'cancelled']::text[] AND cardinality(statuses) > 0),
      recipients integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX organiser_messages_cycle_idx ON organiser_messages (cycle_id, created_at);

    -- The state of a session at each SEQUENCE it left behind, written by the trigger below whatever code
    -- path changes the session: a "meeting moved" mail rendered later shows exactly the step it is about.
    CREATE TABLE session_revisions (
      session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      sequence integer NOT NULL,
      title text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      location text,
      online_url text,
      status text NOT NULL,
      updated_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, sequence)
    );

    CREATE FUNCTION sessions_keep_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO session_revisions (session_id, sequence, title, starts_at, ends_at, location, online_url, status, updated_at)
      VALUES (OLD.id, OLD.sequence, OLD.title, OLD.starts_at, OLD.ends_at, OLD.location, OLD.online_url, OLD.status, OLD.updated_at)
      ON CONFLICT (session_id, sequence) DO UPDATE
        SET title = EXCLUDED.title, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
            location = EXCLUDED.location, online_url = EXCLUDED.online_url, status = EXCLUDED.status,
            updated_at = EXCLUDED.updated_at, recorded_at = now();
      RETURN NULL;
    END $$;

    CREATE TRIGGER sessions_keep_revisions
      AFTER UPDATE ON sessions
      FOR EACH ROW WHEN (OLD.sequence IS DISTINCT FROM NEW.sequence)
      EXECUTE FUNCTION sessions_keep_revisions();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER sessions_keep_revisions ON sessions;
    DROP FUNCTION sessions_keep_revisions();
    DROP TABLE session_revisions;
    DROP TABLE organiser_messages;
    DROP TABLE mail_messages;
  `.execute(db);
}
