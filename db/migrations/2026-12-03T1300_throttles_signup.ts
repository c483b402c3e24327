// Fixed-window counters for the throttles of public sign-up and cancellation (per email address, per
// client address) and for the hourly cap of mail one mailbox can receive. In PostgreSQL so every app
// node and mail worker counts the same; one row per key and window, bumped by one upsert.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- key: HMAC-SHA-256 under the server secret of "<scope>:<value>" (an email address, a client
    -- address), so the table holds no address in clear. Rows older than a day are deleted daily.
    CREATE TABLE throttle_counters (
      scope text NOT NULL CHECK (length(scope) BETWEEN 1 AND 40),
      key bytea NOT NULL CHECK (length(key) = 32),
      window_start timestamptz NOT NULL,
      count integer NOT NULL CHECK (count > 0),
      PRIMARY KEY (scope, key, window_start)
    );
    CREATE INDEX throttle_counters_window_idx ON throttle_counters (window_start);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE throttle_counters;`.execute(db);
}
