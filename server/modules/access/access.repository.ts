// Every SQL statement about who organises what: which cycle an object belongs to, which of some cycles an
// account runs (access.rules.ts), and the assignment of organisers to cycles. Executor first.
import type { Executor } from '../../lib/db.ts';

/** The cycle of a cycle, session or registration id (a cycle's own id if it exists), or null. */
export async function cycleIdOf(db: Executor, table: 'cycles' | 'sessions' | 'registrations', id: string): Promise<string | null> {
  if (table === 'cycles') {
    const row = await db.selectFrom('cycles').select('id').where('id', '=', id).executeTakeFirst();
    return row?.id ?? null;
  }
  const row = await db.selectFrom(table).select('cycle_id').where('id', '=', id).executeTakeFirst();
  return row?.cycle_id ?? null;
}

/** Which of `cycleIds` the account is assigned to as organiser. */
export async function assignedCycleIds(db: Executor, accountId: string, cycleIds: readonly string[]) {
  if (cycleIds.length === 0) return new Set<string>();
  const rows = await db.selectFrom('cycle_organisers').select('cycle_id').where('account_id', '=', accountId).where('cycle_id', 'in', cycleIds).execute();
  return new Set(rows.map((r) => r.cycle_id));
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
