// Certificates with institutional weight (issue 15): training credits per cycle; the certificate's
// snapshot gains the holder's organisation, the credits and who issued and signed it; and a minimal
// verification record that outlives the retention rule, so a certificate checked years later still
// verifies. And the privacy notice version that says so.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- What organisers write, e.g. "6 crediti formativi (CNOAS)": the bodies that grant credits and the
    -- way they count them differ too much for a number and a code.
    ALTER TABLE cycles ADD COLUMN credits text CHECK (length(credits) BETWEEN 1 AND 120);

    -- Part of the snapshot taken at issue, like the rest of the row. NULL in certificates issued
    -- before: the issuer and signatory configured today stand in for them.
    ALTER TABLE certificates
      ADD COLUMN organisation text,
      ADD COLUMN credits text,
      ADD COLUMN issuer_name text,
      ADD COLUMN signatory_name text,
      ADD COLUMN signatory_role text;
    UPDATE certificates k SET organisation = r.organisation, credits = c.credits
      FROM registrations r, cycles c
     WHERE r.id = k.registration_id AND c.id = k.cycle_id;

    -- What /verifica shows, and nothing else: no registration, no address, no organisation, so the
    -- anonymised rows of the retention rule can't be linked back to a name through it. Kept
    -- CERTIFICATE_VERIFICATION_RETENTION_MONTHS after the last meeting it names, then deleted by the
    -- retention job; deleted at once when the holder erases their data. cycle_id only reaches the
    -- cycle's contact while the cycle exists.
    CREATE TABLE certificate_verifications (
      code text PRIMARY KEY CHECK (code ~ '^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}$'),
      cycle_id uuid REFERENCES cycles(id) ON DELETE SET NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 201),
      cycle_slug text NOT NULL,
      cycle_title text NOT NULL,
      first_session_at timestamptz NOT NULL,
      last_session_at timestamptz NOT NULL,
      attended_sessions integer NOT NULL CHECK (attended_sessions > 0),
      held_sessions integer NOT NULL CHECK (held_sessions >= attended_sessions),
      hours numeric(7,2) NOT NULL CHECK (hours >= 0),
      credits text,
      issuer_name text,
      signatory_name text,
      signatory_role text,
      issued_at timestamptz NOT NULL
    );
    CREATE INDEX certificate_verifications_last_idx ON certificate_verifications (last_session_at);

    -- Certificates already issued and still verifying get their record (erased holders' did not verify).
    INSERT INTO certificate_verifications (code, cycle_id, name, cycle_slug, cycle_title, first_session_at, last_session_at,
                                           attended_sessions, held_sessions, hours, credits, issued_at)
    SELECT code, cycle_id, name, cycle_slug, cycle_title, first_session_at, last_session_at,
           attended_sessions, held_sessions, hours, credits, issued_at
      FROM certificates WHERE anonymised_at IS NULL;

    INSERT INTO privacy_notices (version, published_at, summary_it, summary_en) VALUES (
      '2026-12-04', '2026-12-04T00:00:00+01:00',
      'Dati dell''iscrizione (nome, email, ente, ruolo, rete) e presenze, per gestire posti, comunicazioni e attestati; rendicontazione anonima; conservazione fino a 24 mesi dalla fine del ciclo, poi anonimizzazione. Per la verifica pubblica degli attestati si conservano più a lungo (10 anni salvo diversa configurazione) solo nome, ciclo, date, ore, presenze, crediti e codice. Dati di un''iscrizione dal suo link; tutti i dati di un indirizzo con un link monouso inviato a quell''indirizzo.',
      'Registration data (name, email, organisation, role, network) and attendance, to manage seats, messages and certificates; anonymous reporting; kept up to 24 months after the cycle ends, then anonymised. For the public verification of certificates only name, cycle, dates, hours, attendance, credits and code are kept longer (10 years unless configured otherwise). One registration''s data from its link; all the data of an address through a one-time link sent to that address.'
    ) ON CONFLICT (version) DO NOTHING;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The notice version stays: consents may name it.
  await sql`
    DROP TABLE certificate_verifications;
    ALTER TABLE certificates DROP COLUMN organisation, DROP COLUMN credits, DROP COLUMN issuer_name,
      DROP COLUMN signatory_name, DROP COLUMN signatory_role;
    ALTER TABLE cycles DROP COLUMN credits;
  `.execute(db);
}
