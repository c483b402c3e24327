// Cancellation, the one version of it: by the person (manage link), by an organiser, and by an erasure
// of personal data. Freeing a seat and promoting the head of the waiting list happen in the same
// transaction, with the cycle locked (docs/architecture.md rule 4).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { cycleStatus } from '../cycles/cycles.service.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import * as repo from './registrations.repository.ts';
import type { RegistrationRecord } from './registrations.repository.ts';
import { inTransaction } from '../../lib/db-retry.ts';

export type CancelledBy = 'participant' | 'organiser' | 'erasure';

/**
 * Cancels a registration whose cycle the caller has locked in `trx`: the person is told, and a freed
 * seat goes at once to the head of the waiting list. Returns the promoted registrations in arrival order.
 */
export async function cancelLocked(
  trx: Transaction<Database>,
  notifier: Notifier,
  r: Pick<RegistrationRecord, 'id' | 'status' | 'cycle_id'>,
  by: CancelledBy,
  now: Date,
): Promise<string[]> {
  await repo.markCancelled(trx, r.id, by, now);
  await notifier.registrationCancelled(trx, r.id);
  return r.status === 'confirmed' ? promoteLocked(trx, notifier, r.cycle_id, now) : [];
}

/**
 * Gives the free seats of a cycle locked in `trx` to the head of its waiting list, and tells each person
 * promoted. Returns them in arrival order. Also run after a capacity raise (cycles.manage.ts).
 */
export async function promoteLocked(trx: Transaction<Database>, notifier: Notifier, cycleId: string, now: Date): Promise<string[]> {
  const promoted = await repo.promoteFromWaitlist(trx, cycleId, now);
  for (const id of promoted) await notifier.registrationPromoted(trx, id);
  return promoted;
}

export interface CancellationDeps {
  db: Kysely<Database>;
  notifier: Notifier;
  clock?: () => Date;
}

/**
 * The cancellation both audiences call. A person may not cancel once the cycle has ended (the record of
 * who attended stays); an organiser may, to correct the record. `cycleId`, when given, is the cycle the
 * caller is entitled to: a registration of another cycle is "not found".
 */
export function cancellation(deps: CancellationDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async function cancel(
    registrationId: string,
    by: 'participant' | 'organiser',
    cycleId?: string,
  ): Promise<{ record: RegistrationRecord; promoted: string[] }> {
    const notFound = by === 'participant' ? errors.registrationNotFound : () => errors.notFound();
    const found = await repo.findById(deps.db, registrationId);
    if (!found || (cycleId !== undefined && found.cycle_id !== cycleId)) throw notFound();
    return inTransaction(deps.db, async (trx) => {
      const now = clock();
      const cycle = await cyclesRepo.lockById(trx, found.cycle_id);
      // Read again under the lock: a concurrent cancel of the same registration may have won.
      const r = await repo.findByIdForUpdate(trx, found.id);
      if (!cycle || !r) throw notFound();
      if (r.status === 'cancelled') throw errors.alreadyCancelled();
      if (by === 'participant' && cycleStatus(cycle, now) === 'past') throw errors.registrationClosed('ended');
      const promoted = await cancelLocked(trx, deps.notifier, r, by, now);
      return { record: (await repo.findById(trx, r.id))!, promoted };
    });
  };
}
