// Every SQL statement of the exports that is not another module's (the cycle, its sessions and the
// attendance come from their repositories). Executor first.
import type { Executor } from '../../lib/db.ts';

/** A cycle's registrations with the person's address, in sheet order; 'active' leaves cancelled ones out. */
export async function sheetRows(db: Executor, cycleId: string, include: 'active' | 'all') {
  let q = db
    .selectFrom('registrations as r')
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .select(['r.id', 'r.first_name', 'r.last_name', 'r.organisation', 'r.role', 'r.network', 'r.status', 'r.source', 'r.created_at', 'p.email'])
    .where('r.cycle_id', '=', cycleId);
  if (include === 'active') q = q.where('r.status', '<>', 'cancelled');
  return q.orderBy('r.last_name').orderBy('r.first_name').orderBy('r.seq').execute();
}
