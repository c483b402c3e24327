// One-time links to a person's whole data ("everything you hold about me"): requested with an address,
// mailed to that address, good for a short time, used up by an erasure. And the privacy notice version
// that describes them.
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
    -- The notice now says how to download or erase one registration, and everything about an address.
    INSERT INTO privacy_notices (version, published_at, summary_it, summary_en) VALUES (
      '2026-12-03', '2026-12-03T00:00:00+01:00',
      'Dati dell''iscrizione (nome, email, ente, ruolo, rete) e presenze, per gestire posti, comunicazioni e attestati; rendicontazione anonima; conservazione fino a 24 mesi dalla fine del ciclo, poi anonimizzazione. Dati di un''iscrizione dal suo link; tutti i dati di un indirizzo con un link monouso inviato a quell''indirizzo.',
      'Registration data (name, email, organisation, role, network) and attendance, to manage seats, messages and certificates; anonymous reporting; kept up to 24 months after the cycle ends, then anonymised. One registration''s data from its link; all the data of an address through a one-time link sent to that address.'
    ) ON CONFLICT (version) DO NOTHING;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The notice version stays: consents may name it.
  await sql`DROP TABLE personal_data_requests`.execute(db);
}
