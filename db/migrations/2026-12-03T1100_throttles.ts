// Sign-in throttling becomes one counter row per account and per client address (login_throttles),
// replacing the log of failures (login_failures) whose count-then-insert could be raced: a row can be
// claimed atomically by a single upsert, a log cannot. Nothing in login_failures is worth carrying
// over: it only ever blocked for 15 minutes.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE login_throttles (
      -- 'account': the typed address, lower-cased, known or not; 'address': the client's throttle key
      -- (IPv4 address, or the /64 of an IPv6 one).
      scope text NOT NULL CHECK (scope IN ('account', 'address')),
      subject text NOT NULL,
      window_started_at timestamptz NOT NULL,
      -- Attempts claimed in this window (being checked, or failed) and the failures among them.
      attempts integer NOT NULL CHECK (attempts >= 0),
      failures integer NOT NULL CHECK (failures >= 0),
      -- Blocks since the last success (or a quiet day): the next block lasts longer.
      strikes integer NOT NULL CHECK (strikes >= 0),
      blocked_until timestamptz,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (scope, subject)
    );
    CREATE INDEX login_throttles_updated_idx ON login_throttles (updated_at);
    DROP TABLE login_failures;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE login_throttles;
    CREATE TABLE login_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX login_failures_email_ip_idx ON login_failures (email, ip, at);
    CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);
  `.execute(db);
}
