// One-time links to a person's whole data ("everything you hold about me"): requested with an address,
// mailed to that address, good for a short time, used up by an erasure.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE personal_data_requests (
      id uuid PRIMARY KEY,
      -- NULL when the address was unknown: the row is written all the same, so a known and an unknown
      -- address cost the same work. Forgetting the participant takes its pending links with it.
      participant_id uuid REFERENCES participants (id) ON DELETE CASCADE,
      -- SHA-256 of the token in the mailed link; the token itself is never stored.
      token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL CHECK (expires_at > created_at)
    );
    CREATE INDEX personal_data_requests_participant_idx ON personal_data_requests (participant_id);
    CREATE INDEX personal_data_requests_expires_idx ON personal_data_requests (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE personal_data_requests`.execute(db);
}
