// SQL of cycles as organisers manage them (cycles.manage.ts): the cycles an account runs with their
// counts, creation and changes. Executor first.
import { sql, type Transaction } from 'kysely';
import type { Database, NewCycle } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { cycleColumns } from '../cycles/cycles.repository.ts';

/** The public cycle record (so toCycleView applies), plus what only organisers see. */
function manageCycleColumns(db: Executor) {
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

export type ManagedCycleRecord = Awaited<ReturnType<ReturnType<typeof manageCycleColumns>['executeTakeFirstOrThrow']>>;

/** Every cycle (administrators) or the cycles assigned to `accountId`, newest first. */
export async function listCycles(db: Executor, accountId: string | null) {
  let q = manageCycleColumns(db);
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
  return manageCycleColumns(db).where('c.id', '=', id).executeTakeFirst();
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
