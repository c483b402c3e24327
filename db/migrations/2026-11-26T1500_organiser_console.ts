// The organiser console: accounts and their sign-in sessions, failed sign-ins (throttling), who runs
// which cycle, attendance records and wrong self check-in codes (throttling).
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      role text NOT NULL CHECK (role IN ('administrator', 'organiser')),
      -- PHC string of argon2id; never the password.
      password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
      active boolean NOT NULL DEFAULT true,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- Server-side sign-in sessions. Only SHA-256 of the cookie's random id is stored, so a copy of the
    -- table can't be replayed as cookies.
    CREATE TABLE auth_sessions (
      id_hash bytea PRIMARY KEY CHECK (length(id_hash) = 32),
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      -- Absolute end of the session, whatever the activity.
      expires_at timestamptz NOT NULL,
      ip text,
      user_agent text
    );
    CREATE INDEX auth_sessions_account_idx ON auth_sessions (account_id);
    CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at);

    -- Failed sign-ins, kept in the database (not in process memory) so every app node sees them.
    CREATE TABLE login_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX login_failures_email_ip_idx ON login_failures (email, ip, at);
    CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

    CREATE TABLE cycle_organisers (
      cycle_id uuid NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (cycle_id, account_id)
    );
    CREATE INDEX cycle_organisers_account_idx ON cycle_organisers (account_id);

    -- One record per registration per session: present or explicitly absent, and how it was taken.
    CREATE TABLE attendance (
      registration_id uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
      session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      present boolean NOT NULL,
      method text NOT NULL CHECK (method IN ('roster', 'qr', 'code')),
      marked_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
      marked_at timestamptz NOT NULL,
      PRIMARY KEY (registration_id, session_id)
    );
    CREATE INDEX attendance_session_idx ON attendance (session_id);

    -- Wrong self check-in codes per registration, for throttling guesses of the short code.
    CREATE TABLE check_in_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      registration_id uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
      session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      at timestamptz NOT NULL
    );
    CREATE INDEX check_in_failures_registration_idx ON check_in_failures (registration_id, at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE check_in_failures;
    DROP TABLE attendance;
    DROP TABLE cycle_organisers;
    DROP TABLE login_failures;
    DROP TABLE auth_sessions;
    DROP TABLE accounts;
  `.execute(db);
}
