// Every SQL statement of "send me my links": the throttle's records and the address lookup. Executor first.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

/**
 * Serialises the throttle's requests for one address until the transaction ends, so two at once can't
 * both slip under the limit. The hash seed 7 keeps these lock keys apart from other advisory locks'
 * (attendance uses 11).
 */
export async function lockAddress(trx: Transaction<Database>, emailHash: Buffer): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${emailHash.toString('hex')}, 7))`.execute(trx);
}

export async function recentCounts(db: Executor, emailHash: Buffer, ip: string, since: Date) {
  const row = await db
    .selectFrom('link_requests')
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('email_hash', '=', emailHash).as('email'),
      eb.fn.countAll<string>().filterWhere('ip', '=', ip).as('ip'),
    ])
    .where((eb) => eb.or([eb('email_hash', '=', emailHash), eb('ip', '=', ip)]))
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return { email: Number(row.email), ip: Number(row.ip) };
}

export async function record(db: Executor, r: { emailHash: Buffer; ip: string; at: Date }) {
  await db.insertInto('link_requests').values({ email_hash: r.emailHash, ip: r.ip, at: r.at }).execute();
}

export async function participantByEmail(db: Executor, email: string) {
  return db.selectFrom('participants').select('id').where('email', '=', email).executeTakeFirst();
}

/** The throttle only needs the last hour; older rows (they hold IP addresses) go. */
export async function purgeBefore(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom('link_requests').where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteForEmail(db: Executor, emailHash: Buffer) {
  await db.deleteFrom('link_requests').where('email_hash', '=', emailHash).execute();
}
