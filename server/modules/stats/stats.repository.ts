// Every SQL statement of a cycle's statistics that is not another module's (sessions and attendance
// come from their repositories). Executor first.
import type { Executor } from '../../lib/db.ts';

/** Every registration of a cycle, whatever its status, oldest first (the sign-up curve). */
export async function registrationsOfCycle(db: Executor, cycleId: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'status', 'network', 'organisation', 'created_at'])
    .where('cycle_id', '=', cycleId)
    .orderBy('created_at')
    .execute();
}
