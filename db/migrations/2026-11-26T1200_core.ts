// The core domain: themes, cycles, sessions, participants, registrations.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE themes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      name_it text NOT NULL,
      name_en text NOT NULL,
      position integer NOT NULL DEFAULT 0
    );

    CREATE TABLE cycles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 120),
      theme_id uuid NOT NULL REFERENCES themes(id),
      kind text NOT NULL DEFAULT 'cycle' CHECK (kind IN ('cycle', 'conference')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      summary text NOT NULL DEFAULT '',
      description text NOT NULL DEFAULT '',
      format text NOT NULL CHECK (format IN ('in_person', 'online', 'hybrid')),
      location text,
      capacity integer NOT NULL CHECK (capacity >= 0),
      waitlist_enabled boolean NOT NULL DEFAULT true,
      publication text NOT NULL DEFAULT 'draft' CHECK (publication IN ('draft', 'published')),
      published_at timestamptz,
      registration_opens_at timestamptz,
      registration_closes_at timestamptz,
      attendance_threshold numeric(4,3) NOT NULL DEFAULT 0.75 CHECK (attendance_threshold BETWEEN 0 AND 1),
      -- Kept by the trigger below, never written by the application: the database itself refuses a
      -- confirmed registration beyond capacity even if a code path forgets to lock.
      seats_taken integer NOT NULL DEFAULT 0,
      waitlist_length integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT cycles_capacity_not_exceeded CHECK (seats_taken <= capacity),
      CONSTRAINT cycles_counts_non_negative CHECK (seats_taken >= 0 AND waitlist_length >= 0),
      CONSTRAINT cycles_window_order CHECK (
        registration_opens_at IS NULL OR registration_closes_at IS NULL OR registration_opens_at < registration_closes_at)
    );
    CREATE INDEX cycles_theme_idx ON cycles (theme_id);

    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cycle_id uuid NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      location text,
      online_url text,
      status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
      -- iCalendar SEQUENCE: bumped on every change of time, place or status, never decreased.
      sequence integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sessions_end_after_start CHECK (ends_at > starts_at)
    );
    CREATE INDEX sessions_cycle_idx ON sessions (cycle_id, starts_at);

    CREATE TABLE participants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- One address is one person (stored lower-cased); NULL once anonymised. The names live on each
      -- registration, as typed at that sign-up, so a later sign-up with the same address can't rewrite
      -- what an earlier certificate says.
      email text UNIQUE CHECK (email = lower(email)),
      locale text NOT NULL DEFAULT 'it' CHECK (locale IN ('it', 'en')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      anonymised_at timestamptz
    );

    CREATE TABLE registrations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- Arrival order: the waiting list is FIFO on this, positions are derived from it.
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      cycle_id uuid NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
      participant_id uuid NOT NULL REFERENCES participants(id),
      status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
      first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
      last_name text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
      organisation text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 200),
      role text,
      network text,
      -- SHA-256 of the secret tokens of the manage link and of the private calendar feed; the tokens
      -- themselves are never stored (they are derived from a server secret, see server/lib/tokens.ts).
      -- Bumping a version rotates that token: the old link stops working.
      token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      token_version integer NOT NULL DEFAULT 1,
      calendar_token_hash bytea NOT NULL UNIQUE CHECK (length(calendar_token_hash) = 32),
      calendar_token_version integer NOT NULL DEFAULT 1,
      locale text NOT NULL DEFAULT 'it' CHECK (locale IN ('it', 'en')),
      consent_version text NOT NULL,
      consent_at timestamptz NOT NULL,
      source text NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'organiser', 'walk_in')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz,
      cancelled_at timestamptz,
      cancelled_by text CHECK (cancelled_by IN ('participant', 'organiser', 'erasure')),
      CONSTRAINT registrations_cancel_fields CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    -- One active registration per person per cycle (cancelled ones may repeat).
    CREATE UNIQUE INDEX registrations_one_active ON registrations (cycle_id, participant_id) WHERE status <> 'cancelled';
    CREATE INDEX registrations_cycle_status_idx ON registrations (cycle_id, status, seq);
    CREATE INDEX registrations_participant_idx ON registrations (participant_id);

    CREATE FUNCTION registrations_keep_counts() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      d_confirmed integer := 0;
      d_waitlisted integer := 0;
      target uuid;
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        target := OLD.cycle_id;
        IF OLD.status = 'confirmed' THEN d_confirmed := d_confirmed - 1; END IF;
        IF OLD.status = 'waitlisted' THEN d_waitlisted := d_waitlisted - 1; END IF;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        target := NEW.cycle_id;
        IF NEW.status = 'confirmed' THEN d_confirmed := d_confirmed + 1; END IF;
        IF NEW.status = 'waitlisted' THEN d_waitlisted := d_waitlisted + 1; END IF;
      END IF;
      IF d_confirmed <> 0 OR d_waitlisted <> 0 THEN
        UPDATE cycles
           SET seats_taken = seats_taken + d_confirmed,
               waitlist_length = waitlist_length + d_waitlisted
         WHERE id = target;
      END IF;
      RETURN NULL;
    END $$;

    CREATE TRIGGER registrations_keep_counts
      AFTER INSERT OR DELETE OR UPDATE OF status ON registrations
      FOR EACH ROW EXECUTE FUNCTION registrations_keep_counts();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE registrations;
    DROP FUNCTION registrations_keep_counts();
    DROP TABLE participants;
    DROP TABLE sessions;
    DROP TABLE cycles;
    DROP TABLE themes;
  `.execute(db);
}
