// Every SQL statement about accounts, their sign-in sessions and failed sign-ins. Executor first.
import { sql } from 'kysely';
import type { AccountRole, ThrottleScope } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

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

export async function insert(db: Executor, a: { email: string; name: string; role: AccountRole; passwordHash: string; now: Date }): Promise<string> {
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

/**
 * Active administrators other than `exceptId`, locked so two demotions can't both pass the check. NO
 * KEY: a demotion changes the role, not the id, and sign-ins inserting sessions for these accounts
 * (FOR KEY SHARE through the foreign key) must not wait for it.
 */
export async function countOtherActiveAdministrators(db: Executor, exceptId: string): Promise<number> {
  const rows = await db
    .selectFrom('accounts')
    .select('id')
    .where('role', '=', 'administrator')
    .where('active', '=', true)
    .where('id', '<>', exceptId)
    .forNoKeyUpdate()
    .execute();
  return rows.length;
}

// --- sign-in sessions -------------------------------------------------------------------------------

export async function insertSignIn(
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

export async function findSignIn(db: Executor, idHash: Buffer) {
  return db
    .selectFrom('auth_sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.created_at as session_created_at', 's.last_seen_at', 's.expires_at', ...accountColumns])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function touchSignIn(db: Executor, idHash: Buffer, now: Date) {
  await db.updateTable('auth_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteSignIn(db: Executor, idHash: Buffer) {
  await db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSignInsOf(db: Executor, accountId: string, exceptHash?: Buffer) {
  let q = db.deleteFrom('auth_sessions').where('account_id', '=', accountId);
  if (exceptHash) q = q.where('id_hash', '<>', exceptHash);
  await q.execute();
}

/** Housekeeping: sessions past their absolute end or idle for longer than allowed. */
export async function deleteDeadSignIns(db: Executor, now: Date, idleBefore: Date): Promise<number> {
  const r = await db
    .deleteFrom('auth_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// --- sign-in throttles (the policy is in login.throttle.ts) ----------------------------------------------

export interface ThrottleLimits {
  /** Failures per window before a block; also the most attempts one window lets through at once. */
  max: number;
  windowMs: number;
  /** The first block; each further one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A row untouched this long forgets its strikes. */
  forgetMs: number;
}

/**
 * Claims one attempt for (scope, subject) if its window has room and it is not blocked, in one
 * statement: ON CONFLICT DO UPDATE locks the row and evaluates the WHERE on its latest version, so N
 * simultaneous callers get at most `max` claims between them. A window that has run out, or a block
 * that has ended, starts a fresh window. Returns whether the attempt was claimed.
 */
export async function claimAttempt(db: Executor, scope: ThrottleScope, subject: string, limits: ThrottleLimits, now: Date): Promise<boolean> {
  const windowStart = new Date(now.getTime() - limits.windowMs);
  const forgetBefore = new Date(now.getTime() - limits.forgetMs);
  const fresh = sql`(t.blocked_until IS NOT NULL OR t.window_started_at <= ${windowStart})`;
  const result = await sql`
    INSERT INTO login_throttles AS t (scope, subject, window_started_at, attempts, failures, strikes, blocked_until, updated_at)
    VALUES (${scope}, ${subject}, ${now}, 1, 0, 0, NULL, ${now})
    ON CONFLICT (scope, subject) DO UPDATE SET
      window_started_at = CASE WHEN ${fresh} THEN ${now} ELSE t.window_started_at END,
      attempts = CASE WHEN ${fresh} THEN 1 ELSE t.attempts + 1 END,
      failures = CASE WHEN ${fresh} THEN 0 ELSE t.failures END,
      strikes = CASE WHEN t.updated_at <= ${forgetBefore} THEN 0 ELSE t.strikes END,
      blocked_until = NULL,
      updated_at = ${now}
    WHERE (t.blocked_until IS NULL OR t.blocked_until <= ${now}) AND (${fresh} OR t.attempts < ${limits.max})
    RETURNING 1 AS claimed`.execute(db);
  return result.rows.length === 1;
}

/**
 * A claimed attempt failed. The `max`th failure of a window blocks the subject for
 * baseDelay·2^strikes (at most maxDelay) and counts a strike. An upsert, so a failure that finishes
 * after a success has reset the row still counts.
 */
export async function recordFailure(db: Executor, scope: ThrottleScope, subject: string, limits: ThrottleLimits, now: Date) {
  const full = sql`t.failures + 1 >= ${limits.max}`;
  const delaySeconds = sql`least(${limits.baseDelayMs / 1000}::float8 * power(2, least(t.strikes, 30)), ${limits.maxDelayMs / 1000}::float8)`;
  await sql`
    INSERT INTO login_throttles AS t (scope, subject, window_started_at, attempts, failures, strikes, blocked_until, updated_at)
    VALUES (${scope}, ${subject}, ${now}, 1, 1, 0, NULL, ${now})
    ON CONFLICT (scope, subject) DO UPDATE SET
      attempts = CASE WHEN ${full} THEN 0 ELSE greatest(t.attempts, t.failures + 1) END,
      failures = CASE WHEN ${full} THEN 0 ELSE t.failures + 1 END,
      strikes = CASE WHEN ${full} THEN t.strikes + 1 ELSE t.strikes END,
      blocked_until = CASE WHEN ${full} THEN ${now}::timestamptz + make_interval(secs => ${delaySeconds}) ELSE t.blocked_until END,
      updated_at = ${now}`.execute(db);
}

/** A claimed attempt succeeded: it no longer takes a place in the window. */
export async function releaseAttempt(db: Executor, scope: ThrottleScope, subject: string) {
  await db
    .updateTable('login_throttles')
    .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .execute();
}

export async function findThrottle(db: Executor, scope: ThrottleScope, subject: string) {
  return db.selectFrom('login_throttles').select(['blocked_until', 'strikes']).where('scope', '=', scope).where('subject', '=', subject).executeTakeFirst();
}

/** Forgets an account's failures and strikes (a successful sign-in, a password reset). */
export async function clearFailures(db: Executor, f: { email: string }) {
  await db.deleteFrom('login_throttles').where('scope', '=', 'account').where('subject', '=', f.email).execute();
}

/** Housekeeping: rows untouched since `before` and not blocked any more. */
export async function deleteOldThrottles(db: Executor, before: Date, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('login_throttles')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
