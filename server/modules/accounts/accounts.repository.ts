// Every SQL statement about accounts, their sign-in sessions and failed sign-ins. Executor first.
import { sql } from 'kysely';
import type { AccountRole } from '../../../db/schema.ts';
import type { Executor } from '../cycles/cycles.repository.ts';

const accountColumns = ['a.id', 'a.email', 'a.name', 'a.role', 'a.active', 'a.last_login_at', 'a.created_at', 'a.updated_at'] as const;

export async function findByEmail(db: Executor, email: string) {
  return db
    .selectFrom('accounts as a')
    .select([...accountColumns, 'a.password_hash'])
    .where('a.email', '=', email)
    .executeTakeFirst();
}

export async function findById(db: Executor, id: string) {
  return db.selectFrom('accounts as a').select(accountColumns).where('a.id', '=', id).executeTakeFirst();
}

export type AccountRecord = NonNullable<Awaited<ReturnType<typeof findById>>>;

export async function list(db: Executor) {
  return db.selectFrom('accounts as a').select(accountColumns).orderBy('a.name').orderBy('a.email').execute();
}

/** The cycles each account runs, for the account list. */
export async function assignmentsOf(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  return db
    .selectFrom('cycle_organisers as co')
    .innerJoin('cycles as c', 'c.id', 'co.cycle_id')
    .select(['co.account_id', 'c.id', 'c.slug', 'c.title'])
    .where('co.account_id', 'in', accountIds)
    .orderBy('c.title')
    .execute();
}

export async function insert(
  db: Executor,
  a: { email: string; name: string; role: AccountRole; passwordHash: string; now: Date },
): Promise<string> {
  const row = await db
    .insertInto('accounts')
    .values({ email: a.email, name: a.name, role: a.role, password_hash: a.passwordHash, created_at: a.now, updated_at: a.now })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? '';
}

export async function update(
  db: Executor,
  id: string,
  patch: { name?: string; role?: AccountRole; active?: boolean; passwordHash?: string; lastLoginAt?: Date },
  now: Date,
) {
  await db
    .updateTable('accounts')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.active !== undefined && { active: patch.active }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      ...(patch.lastLoginAt !== undefined && { last_login_at: patch.lastLoginAt }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Active administrators other than `exceptId`, locked so two demotions can't both pass the check. */
export async function countOtherActiveAdministrators(db: Executor, exceptId: string): Promise<number> {
  const rows = await db
    .selectFrom('accounts')
    .select('id')
    .where('role', '=', 'administrator')
    .where('active', '=', true)
    .where('id', '<>', exceptId)
    .forUpdate()
    .execute();
  return rows.length;
}

// --- sign-in sessions -------------------------------------------------------------------------------

export async function insertSession(
  db: Executor,
  s: { idHash: Buffer; accountId: string; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  await db
    .insertInto('auth_sessions')
    .values({
      id_hash: s.idHash,
      account_id: s.accountId,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
      ip: s.ip,
      user_agent: s.userAgent,
    })
    .execute();
}

export async function findSession(db: Executor, idHash: Buffer) {
  return db
    .selectFrom('auth_sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.created_at as session_created_at', 's.last_seen_at', 's.expires_at', ...accountColumns])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, idHash: Buffer, now: Date) {
  await db.updateTable('auth_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Executor, idHash: Buffer) {
  await db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSessionsOf(db: Executor, accountId: string, exceptHash?: Buffer) {
  let q = db.deleteFrom('auth_sessions').where('account_id', '=', accountId);
  if (exceptHash) q = q.where('id_hash', '<>', exceptHash);
  await q.execute();
}

/** Housekeeping: sessions past their absolute end or idle for longer than allowed. */
export async function deleteDeadSessions(db: Executor, now: Date, idleBefore: Date) {
  await db
    .deleteFrom('auth_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .execute();
}

// --- failed sign-ins ----------------------------------------------------------------------------------

export async function countFailures(db: Executor, f: { email: string; ip: string; since: Date }) {
  const row = await db
    .selectFrom('login_failures')
    .select([
      sql<string>`count(*) FILTER (WHERE email = ${f.email})`.as('pair'),
      sql<string>`count(*)`.as('ip'),
    ])
    .where('ip', '=', f.ip)
    .where('at', '>', f.since)
    .executeTakeFirstOrThrow();
  return { pair: Number(row.pair), ip: Number(row.ip) };
}

export async function recordFailure(db: Executor, f: { email: string; ip: string; at: Date }) {
  await db.insertInto('login_failures').values(f).execute();
}

export async function clearFailures(db: Executor, f: { email: string; ip?: string }) {
  let q = db.deleteFrom('login_failures').where('email', '=', f.email);
  if (f.ip !== undefined) q = q.where('ip', '=', f.ip);
  await q.execute();
}

export async function deleteOldFailures(db: Executor, before: Date) {
  await db.deleteFrom('login_failures').where('at', '<', before).execute();
}
