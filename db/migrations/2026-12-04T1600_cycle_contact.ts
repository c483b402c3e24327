// Whom participants write to (issue 15): each cycle names a contact, shown on its pages and in every mail
// (and used as the mail's Reply-To). Nullable: cycles made before have none, and fall back to the
// programme's contact when the configuration has one (CONTACT_NAME, CONTACT_EMAIL).
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE cycles
      ADD COLUMN contact_name text,
      ADD COLUMN contact_email text,
      ADD COLUMN contact_phone text,
      -- A contact is a name and an address together; a phone number only beside them.
      ADD CONSTRAINT cycles_contact_whole CHECK (
        (contact_name IS NULL) = (contact_email IS NULL) AND (contact_phone IS NULL OR contact_email IS NOT NULL)
      );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE cycles DROP CONSTRAINT cycles_contact_whole,
      DROP COLUMN contact_phone, DROP COLUMN contact_email, DROP COLUMN contact_name
  `.execute(db);
}
