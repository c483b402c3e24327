// Every SQL statement of the console's access rules (admin.access.ts): which cycle an object belongs to,
// and which of some cycles an account runs. Executor first.
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
