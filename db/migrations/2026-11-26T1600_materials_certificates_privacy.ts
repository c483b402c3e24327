// Materials of cycles and sessions, certificates of attendance, the record of privacy-notice versions,
// anonymisation markers, and the throttle of "send me my links".
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Every version of the privacy notice a person may have accepted. A consent names its version, so
    -- what someone agreed to can always be shown (GDPR art. 7(1): the controller must be able to prove it).
    CREATE TABLE privacy_notices (
      version text PRIMARY KEY CHECK (length(version) BETWEEN 1 AND 40),
      published_at timestamptz NOT NULL,
      summary_it text NOT NULL,
      summary_en text NOT NULL,
      -- SHA-256 (hex) of the full text as published, when it was recorded.
      text_sha256 text CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO privacy_notices (version, published_at, summary_it, summary_en) VALUES (
      '2026-11-01', '2026-11-01T00:00:00+01:00',
      'Dati dell''iscrizione (nome, email, ente, ruolo, rete) e presenze, per gestire posti, comunicazioni e attestati; rendicontazione anonima; conservazione fino a 24 mesi dalla fine del ciclo, poi anonimizzazione.',
      'Registration data (name, email, organisation, role, network) and attendance, to manage seats, messages and certificates; anonymous reporting; kept up to 24 months after the cycle ends, then anonymised.'
    );
    -- Consents recorded before this table existed keep their version (none is expected but one).
    INSERT INTO privacy_notices (version, published_at, summary_it, summary_en)
      SELECT consent_version, min(consent_at), 'Versione registrata prima dell''archivio delle informative.', 'Version recorded before notices were archived.'
        FROM registrations GROUP BY consent_version
      ON CONFLICT (version) DO NOTHING;
    ALTER TABLE registrations
      ADD CONSTRAINT registrations_consent_version_fkey FOREIGN KEY (consent_version) REFERENCES privacy_notices (version),
      -- Set when the person's data on this row were erased (on request, or by the retention job).
      ADD COLUMN anonymised_at timestamptz;

    -- Lets materials name (session, cycle) together, so a material's session always belongs to its cycle.
    ALTER TABLE sessions ADD CONSTRAINT sessions_id_cycle_key UNIQUE (id, cycle_id);

    CREATE TABLE materials (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cycle_id uuid NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
      -- NULL: a material of the whole cycle.
      session_id uuid,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('file', 'link')),
      visibility text NOT NULL CHECK (visibility IN ('public', 'registered', 'attended')),
      -- Files: a random name in the storage (never the uploader's file name), the uploader's name made
      -- safe (only ever used in Content-Disposition), the type detected from the content, size, digest.
      storage_key text UNIQUE CHECK (storage_key ~ '^[0-9a-f]{32}$'),
      file_name text CHECK (length(file_name) BETWEEN 1 AND 255),
      content_type text,
      size_bytes bigint CHECK (size_bytes >= 0),
      sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      -- Links: where they lead.
      url text CHECK (url ~* '^https?://' AND length(url) <= 2000),
      download_count integer NOT NULL DEFAULT 0 CHECK (download_count >= 0),
      created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (session_id, cycle_id) REFERENCES sessions (id, cycle_id) ON DELETE CASCADE,
      CONSTRAINT materials_kind_fields CHECK (
        (kind = 'file' AND storage_key IS NOT NULL AND file_name IS NOT NULL AND content_type IS NOT NULL
          AND size_bytes IS NOT NULL AND sha256 IS NOT NULL AND url IS NULL)
        OR (kind = 'link' AND url IS NOT NULL AND storage_key IS NULL AND file_name IS NULL
          AND content_type IS NULL AND size_bytes IS NULL AND sha256 IS NULL))
    );
    CREATE INDEX materials_cycle_idx ON materials (cycle_id, created_at);
    CREATE INDEX materials_session_idx ON materials (session_id) WHERE session_id IS NOT NULL;

    -- One certificate per registration: a snapshot of what it attests, taken when it was issued, so a
    -- later change of the cycle's title or of the person's data can't rewrite a document already handed out.
    CREATE TABLE certificates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- 12 characters from a CSPRNG over a 32-letter alphabet without look-alikes (60 bits).
      code text NOT NULL UNIQUE CHECK (code ~ '^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}$'),
      registration_id uuid NOT NULL UNIQUE REFERENCES registrations(id) ON DELETE CASCADE,
      cycle_id uuid NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 201),
      cycle_slug text NOT NULL,
      cycle_title text NOT NULL,
      first_session_at timestamptz NOT NULL,
      last_session_at timestamptz NOT NULL,
      attended_sessions integer NOT NULL CHECK (attended_sessions > 0),
      held_sessions integer NOT NULL CHECK (held_sessions >= attended_sessions),
      hours numeric(7,2) NOT NULL CHECK (hours >= 0),
      threshold numeric(4,3) NOT NULL,
      issued_at timestamptz NOT NULL,
      -- Set when the holder's data were erased: the certificate no longer verifies.
      anonymised_at timestamptz
    );
    CREATE INDEX certificates_cycle_idx ON certificates (cycle_id);

    -- "Send me my links" requests, for throttling per address and per IP address. The address is kept
    -- only as an HMAC under the server secret; rows older than a day are deleted.
    CREATE TABLE link_requests (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email_hash bytea NOT NULL CHECK (length(email_hash) = 32),
      ip text NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX link_requests_email_idx ON link_requests (email_hash, at);
    CREATE INDEX link_requests_ip_idx ON link_requests (ip, at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE link_requests;
    DROP TABLE certificates;
    DROP TABLE materials;
    ALTER TABLE sessions DROP CONSTRAINT sessions_id_cycle_key;
    ALTER TABLE registrations DROP COLUMN anonymised_at, DROP CONSTRAINT registrations_consent_version_fkey;
    DROP TABLE privacy_notices;
  `.execute(db);
}
