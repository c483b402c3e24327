// The health check's one statement. Executor first.
import { sql } from 'kysely';
import type { Executor } from '../../lib/db.ts';

/** The cheapest round trip to the database: whether it answers at all. */
export async function ping(db: Executor): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
