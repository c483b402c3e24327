// Uploaded materials move from one node's DATA_DIR into PostgreSQL, so every app node serves every file
// (issue 13). The bytes are split into rows of 256 KiB; files already on a node's disk are imported at
// start-up by server/modules/materials/materials.import.ts.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One row per stored file, written in the same transaction as its last chunk: a file is either whole
    -- or absent. The key is the random name materials.storage_key holds.
    CREATE TABLE material_objects (
      key text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{32}$'),
      size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      chunks integer NOT NULL CHECK (chunks >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- The bytes, in order. The reference is checked at commit (the object row comes after the chunks,
    -- once size and digest are known); deleting the object deletes its chunks.
    CREATE TABLE material_chunks (
      key text NOT NULL REFERENCES material_objects (key) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
      n integer NOT NULL CHECK (n >= 0),
      data bytea NOT NULL,
      PRIMARY KEY (key, n)
    );
    -- Materials are PDFs, zipped Office documents, JPEG, MP4: already compressed. EXTERNAL keeps them
    -- out of line without PostgreSQL trying (and failing) to compress every chunk.
    ALTER TABLE material_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE material_chunks; DROP TABLE material_objects`.execute(db);
}
