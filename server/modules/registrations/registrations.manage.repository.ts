// Every SQL statement of the organisers' registration lists: the console's (registrations.manage.ts) and
// the attendance sheet's (exports.service.ts). Executor first.
import type { Executor } from '../../lib/db.ts';

export type StatusFilter = 'confirmed' | 'waitlisted' | 'cancelled' | 'active' | 'all';

/**
 * A cycle's registrations with the person's address: in arrival order (seq) for the console, by name for
 * the attendance sheet (arrival breaking ties).
 */
export async function listOfCycle(db: Executor, cycleId: string, status: StatusFilter, order: 'arrival' | 'name' = 'arrival') {
  let q = db
    .selectFrom('registrations as r')
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .select(['r.id', 'r.seq', 'r.status', 'r.first_name', 'r.last_name', 'r.organisation', 'r.role', 'r.network', 'r.locale'])
    .select(['r.source', 'r.created_at', 'r.confirmed_at', 'r.cancelled_at', 'p.email'])
    .where('r.cycle_id', '=', cycleId);
  if (status === 'active') q = q.where('r.status', '<>', 'cancelled');
  else if (status !== 'all') q = q.where('r.status', '=', status);
  if (order === 'name') q = q.orderBy('r.last_name').orderBy('r.first_name');
  return q.orderBy('r.seq').execute();
}

/** The waiting list of a cycle in arrival order: a registration's index here is its position. */
export async function waitlistOfCycle(db: Executor, cycleId: string) {
  return db.selectFrom('registrations').select('id').where('cycle_id', '=', cycleId).where('status', '=', 'waitlisted').orderBy('seq').execute();
}
