// Every SQL statement of the organisers' registration lists: the console's (registrations.manage.ts) and
// the attendance sheet's (exports.service.ts), and of the organisers' corrections. Executor first.
import { sql } from 'kysely';
import type { Executor } from '../../lib/db.ts';

export type StatusFilter = 'confirmed' | 'waitlisted' | 'cancelled' | 'active' | 'all';

/** `%`, `_` and `\\` typed by a person are letters to look for, not LIKE's wildcards. */
const likeLiteral = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A cycle's registrations with the person's address: in arrival order (seq) for the console, by name for
 * the attendance sheet (arrival breaking ties). `words`: each must occur, case ignored, in the name, the
 * address or the organisation.
 */
export async function listOfCycle(db: Executor, cycleId: string, status: StatusFilter, order: 'arrival' | 'name' = 'arrival', words: readonly string[] = []) {
  let q = db
    .selectFrom('registrations as r')
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .select(['r.id', 'r.seq', 'r.status', 'r.first_name', 'r.last_name', 'r.organisation', 'r.role', 'r.network', 'r.locale'])
    .select(['r.source', 'r.created_at', 'r.confirmed_at', 'r.cancelled_at', 'p.email'])
    .where('r.cycle_id', '=', cycleId);
  if (status === 'active') q = q.where('r.status', '<>', 'cancelled');
  else if (status !== 'all') q = q.where('r.status', '=', status);
  for (const word of words) {
    const pattern = `%${likeLiteral(word)}%`;
    q = q.where(sql<boolean>`concat_ws(' ', r.first_name, r.last_name, p.email, r.organisation) ILIKE ${pattern}`);
  }
  if (order === 'name') q = q.orderBy('r.last_name').orderBy('r.first_name');
  return q.orderBy('r.seq').execute();
}

/** The waiting list of a cycle in arrival order: a registration's index here is its position. */
export async function waitlistOfCycle(db: Executor, cycleId: string) {
  return db.selectFrom('registrations').select('id').where('cycle_id', '=', cycleId).where('status', '=', 'waitlisted').orderBy('seq').execute();
}

/** A person's name or organisation corrected by an organiser; undefined when not in that cycle or erased. */
export async function correctPerson(
  db: Executor,
  cycleId: string,
  id: string,
  fields: { first_name?: string; last_name?: string; organisation?: string },
  now: Date,
) {
  return db
    .updateTable('registrations')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .where('cycle_id', '=', cycleId)
    .where('anonymised_at', 'is', null)
    .returning(['first_name', 'last_name', 'organisation'])
    .executeTakeFirst();
}
