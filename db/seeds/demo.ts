// Placeholder; the demo programme is written in a later step.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export async function seedDemoIfEmpty(db: Kysely<Database>, now: Date): Promise<number> {
  void db;
  void now;
  return 0;
}
