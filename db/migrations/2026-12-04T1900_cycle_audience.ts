// Whom a cycle is for (issue 15): the cycle page says it among its facts ("A chi è rivolto"), so a
// practitioner sees at a glance whether to sign up. Nullable: cycles made before say it in their
// description, if at all.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cycles ADD COLUMN audience text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cycles DROP COLUMN audience`.execute(db);
}
