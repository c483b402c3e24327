// SQL of the organiser console about cycles: the cycles an account runs, their counts, creation and
// changes, and who organises them. Executor first.
import { sql, type Transaction } from 'kysely';
import type { Database, NewCycle } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { cycleColumns } from '../cycles/cycles.repository.ts';

/** The public cycle record (so toCycleView applies), plus what only organisers see. */
function adminCycleColumns(db: Executor) {
  return cycleColumns(db)
    .select(['c.published_at', 'c.created_at'])
    .select((eb) =>
      eb
        .selectFrom('registrations as r')
        .whereRef('r.cycle_id', '=', 'c.id')
        .where('r.status', '=', 'cancelled')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('cancelled_count'),
    );
}

export type AdminCycleRecord = Awaited<ReturnType<ReturnType<typeof adminCycleColumns>['executeTakeFirstOrThrow']>>;

/** Every cycle (administrators) or the cycles assigned to `accountId`, newest first. */
export async function listCycles(db: Executor, accountId: string | null) {
  let q = adminCycleColumns(db);
  if (accountId) {
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('cycle_organisers as co').whereRef('co.cycle_id', '=', 'c.id').where('co.account_id', '=', accountId).select('co.cycle_id')),
    );
  }
  return q
    .orderBy(sql`(SELECT min(s.starts_at) FROM sessions s WHERE s.cycle_id = c.id) DESC NULLS FIRST`)
    .orderBy('c.created_at', 'desc')
    .execute();
}

export async function findCycle(db: Executor, id: string) {
  return adminCycleColumns(db).where('c.id', '=', id).executeTakeFirst();
}

export async function organisersOf(db: Executor, cycleIds: readonly string[]) {
  if (cycleIds.length === 0) return [];
  return db
    .selectFrom('cycle_organisers as co')
    .innerJoin('accounts as a', 'a.id', 'co.account_id')
    .select(['co.cycle_id', 'a.id', 'a.name', 'a.email'])
    .where('co.cycle_id', 'in', cycleIds)
    .orderBy('a.name')
    .execute();
}

export async function assignOrganiser(db: Executor, cycleId: string, accountId: string) {
  await db
    .insertInto('cycle_organisers')
    .values({ cycle_id: cycleId, account_id: accountId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unassignOrganiser(db: Executor, cycleId: string, accountId: string) {
  const res = await db.deleteFrom('cycle_organisers').where('cycle_id', '=', cycleId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/**
 * The theme a cycle is about to join, held FOR KEY SHARE until the transaction ends: deleting it (or
 * changing its slug) waits, then sees the cycle (themes.repository.ts).
 */
export async function findThemeBySlug(db: Executor, slug: string) {
  return db.selectFrom('themes').select(['id', 'slug']).where('slug', '=', slug).forKeyShare().executeTakeFirst();
}

export async function slugExists(db: Executor, slug: string) {
  return !!(await db.selectFrom('cycles').select('id').where('slug', '=', slug).executeTakeFirst());
}

export async function insertCycle(trx: Transaction<Database>, values: NewCycle): Promise<string> {
  const row = await trx
    .insertInto('cycles')
    .values(values)
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? '';
}

export async function updateCycle(trx: Transaction<Database>, id: string, set: Partial<Omit<NewCycle, 'id' | 'created_at'>>, now: Date) {
  await trx
    .updateTable('cycles')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** The given registration ids in arrival order (UPDATE ... RETURNING gives no order). */
export async function inArrivalOrder(db: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('registrations').select('id').where('id', 'in', ids).orderBy('seq').execute();
  return rows.map((r) => r.id);
}
