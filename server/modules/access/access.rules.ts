// Who may touch which cycle. Every /api/admin route declares an access rule (route `config.access`);
// the auth plugin applies it before the body is even parsed:
//   'any'            signed in (any role)
//   'administrator'  administrators only
//   { cycle, session, registration: '<param name>', resolve }  the route's objects, by id; each must
//                    belong to a cycle the caller runs (administrators run every cycle), and all of
//                    them to the same cycle.
// An organiser gets 403 for any id outside their cycles, whether or not it exists, so guessing ids
// reveals nothing; an administrator gets 404 for ids that don't exist. Objects of two different
// cycles in one request (a session of cycle A with a registration of cycle B) are 404 for everyone.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import { authErrors } from '../accounts/accounts.errors.ts';
import type { SignedInAccount } from '../accounts/auth.service.ts';
import * as repo from './access.repository.ts';

export type ObjectRule = {
  /** Also require this role (e.g. assigning organisers to a cycle is for administrators). */
  role?: 'administrator';
  cycle?: string;
  session?: string;
  registration?: string;
  /** For objects this module doesn't know (e.g. materials): the cycle id the request is about, or null. */
  resolve?: (params: Record<string, string>, db: Kysely<Database>) => Promise<string | null>;
};
export type AccessRule = 'any' | 'administrator' | ObjectRule;

export interface Scope {
  cycleId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

async function cycleOf(db: Kysely<Database>, table: 'cycles' | 'sessions' | 'registrations', id: unknown): Promise<string | null> {
  return isUuid(id) ? repo.cycleIdOf(db, table, id) : null;
}

/** Checks an object rule for the signed-in account; returns the one cycle the request is about. */
export async function resolveScope(db: Kysely<Database>, account: SignedInAccount, rule: ObjectRule, params: Record<string, string>): Promise<Scope> {
  if (rule.role === 'administrator' && account.role !== 'administrator') throw authErrors.forbidden();
  const found: (string | null)[] = [];
  if (rule.cycle) found.push(await cycleOf(db, 'cycles', params[rule.cycle]));
  if (rule.session) found.push(await cycleOf(db, 'sessions', params[rule.session]));
  if (rule.registration) found.push(await cycleOf(db, 'registrations', params[rule.registration]));
  if (rule.resolve) found.push(await rule.resolve(params, db));
  if (found.length === 0) throw new Error('access rule names no object');

  if (account.role !== 'administrator') {
    const known = found.filter((id): id is string => id !== null);
    const mine = await repo.assignedCycleIds(db, account.id, known);
    if (found.some((id) => id === null || !mine.has(id))) throw authErrors.forbidden();
  } else if (found.some((id) => id === null)) {
    throw errors.notFound();
  }
  const cycles = new Set(found as string[]);
  if (cycles.size !== 1) throw errors.notFound();
  return { cycleId: found[0]! };
}
