// A transaction that PostgreSQL aborted as a serialization failure (40001), a deadlock victim (40P01) or
// a lock wait past lock_timeout (55P03) did nothing wrong: it was rolled back whole, and running it again
// usually succeeds; nor did one that never started because the pool had no free connection in time. So it runs again
// a few times, after a short random wait (two transactions that collided must not collide again in
// step); past the last attempt the error goes on to the errors plugin, which answers 503 with
// Retry-After (lib/db-faults.ts). Only for callbacks whose every effect is inside the transaction
// (mail is enqueued in it, not sent), since a retry repeats them.
import type { Kysely, Transaction } from 'kysely';

const RETRYABLE = new Set(['40001', '40P01', '55P03']);
/** pg-pool found no free connection in time: nothing was sent. */
const POOL_TIMEOUT = /^timeout exceeded when trying to connect$/;
export const TRANSACTION_ATTEMPTS = 3;
/** The first wait; each next one doubles, each scaled by a random factor in [0.5, 1.5). */
const FIRST_WAIT_MS = 20;

function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return RETRYABLE.has(e?.code ?? '') || POOL_TIMEOUT.test(e?.message ?? '');
}

/** Runs `run` (one whole transaction) again while it fails as above; for callers that open it themselves. */
export async function retryTransaction<T>(run: () => Promise<T>, attempts = TRANSACTION_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const wait = FIRST_WAIT_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** `db.transaction().execute(fn)`, run again on a serialization failure or deadlock (see above). */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return retryTransaction(() => db.transaction().execute(fn));
}
