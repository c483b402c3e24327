// Every SQL statement about changing sessions. Executor or transaction first; the service decides the
// transaction and the locks (cycle row first, then the session row).
import { sql, type Transaction } from 'kysely';
import type { Database, NewSession, SessionStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

export async function cycleIdOf(db: Executor, sessionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('sessions').select('cycle_id').where('id', '=', sessionId).executeTakeFirst();
  return row?.cycle_id;
}

/** NO KEY: a change never touches the session's id or cycle, and rows referencing it (attendance, mail, reminders) must not wait. */
export async function findForUpdate(trx: Transaction<Database>, sessionId: string) {
  return trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
}

export interface SessionChanges {
  title?: string;
  starts_at?: Date;
  ends_at?: Date;
  location?: string | null;
  online_url?: string | null;
  status?: SessionStatus;
}

/** Applies the changes and bumps SEQUENCE by one (under the row lock, so two changes give +2). */
export async function updateWithSequence(trx: Transaction<Database>, sessionId: string, changes: SessionChanges, now: Date) {
  return trx
    .updateTable('sessions')
    .set({ ...changes, sequence: sql<number>`sequence + 1`, updated_at: now })
    .where('id', '=', sessionId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insert(trx: Transaction<Database>, values: NewSession) {
  return trx.insertInto('sessions').values(values).returningAll().executeTakeFirstOrThrow();
}
