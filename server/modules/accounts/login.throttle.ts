// Throttling of sign-in attempts. The policy:
//
// - Per account (the typed address, lower-cased, whether or not an account has it, so the answers
//   don't reveal which exist), whatever the client address: at most 5 failed attempts in a 15-minute
//   window (counted from the window's first attempt). The 5th failure blocks the account for 1 minute; every further block doubles (2, 4, 8
//   minutes) up to 15 minutes. A successful sign-in clears the record, and so does a day without
//   attempts. While blocked every attempt, even with the right password, answers 429
//   too_many_attempts with Retry-After; the password is not checked. A distributed guesser gets about
//   20 guesses an hour per account, and the real person waits at most 15 minutes after a storm ends.
//   (One who never stops can keep the account blocked 15 minutes at a time: telling the real person
//   apart, e.g. by a cookie from an earlier successful sign-in on that device, is not done here.)
// - Per client address (clientKey: IPv4 as is, IPv6 by /64), across accounts, against password
//   spraying: at most 50 failures in a 15-minute window, then 15 minutes blocked. A success does
//   not clear it (signing in to one's own account must not buy more guesses at others').
//
// Why "claim, then check the password, then conclude": argon2 takes tens of milliseconds and much
// memory, and the count must be atomic with the decision. Holding a transaction (and a pooled
// connection, and a lock) across the hash would serialise every sign-in of one account and let a
// burst of them exhaust the pool. So an attempt first claims a place in its windows, in one short
// transaction of two single-statement upserts (account, then address: always that order, so two
// claims can't deadlock); only a claimed attempt is checked; its outcome is then recorded (a failure
// counts, a success frees the place). A burst of N wrong passwords thus gets at most 5 checked and
// N-5 refusals, however they interleave, on one app node or many. A claim whose process dies before
// concluding keeps its place until its window runs out.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { clientKey } from '../../lib/client-address.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { authErrors } from './accounts.errors.ts';
import * as repo from './accounts.repository.ts';

const MIN = 60_000;
export const ACCOUNT_LIMITS: repo.ThrottleLimits = { max: 5, windowMs: 15 * MIN, baseDelayMs: MIN, maxDelayMs: 15 * MIN, forgetMs: 24 * 60 * MIN };
export const ADDRESS_LIMITS: repo.ThrottleLimits = { max: 50, windowMs: 15 * MIN, baseDelayMs: 15 * MIN, maxDelayMs: 15 * MIN, forgetMs: 24 * 60 * MIN };

/** What one claimed attempt needs to report its outcome. */
export interface Claim {
  email: string;
  address: string;
}

/** Seconds until a refused subject can try again: the rest of its block, or the block that is coming. */
async function retryAfter(db: Kysely<Database>, scope: 'account' | 'address', subject: string, limits: repo.ThrottleLimits, now: Date) {
  const row = await repo.findThrottle(db, scope, subject);
  if (row?.blocked_until && new Date(row.blocked_until) > now) return (new Date(row.blocked_until).getTime() - now.getTime()) / 1000;
  // Refused because the window's places are all taken by attempts still being checked: if they fail,
  // the block that follows lasts this long.
  return Math.min(limits.baseDelayMs * 2 ** Math.min(row?.strikes ?? 0, 30), limits.maxDelayMs) / 1000;
}

export function loginThrottle(db: Kysely<Database>) {
  return {
    /** Claims a place for this attempt in the account's and the address's windows, or throws 429. */
    async claim(email: string, ip: string, now: Date): Promise<Claim> {
      const claim = { email, address: clientKey(ip) };
      await inTransaction(db, async (trx) => {
        // Throwing rolls back, so an account place is never kept when the address refuses.
        if (!(await repo.claimAttempt(trx, 'account', claim.email, ACCOUNT_LIMITS, now))) {
          throw authErrors.tooManyAttempts(await retryAfter(trx, 'account', claim.email, ACCOUNT_LIMITS, now));
        }
        if (!(await repo.claimAttempt(trx, 'address', claim.address, ADDRESS_LIMITS, now))) {
          throw authErrors.tooManyAttempts(await retryAfter(trx, 'address', claim.address, ADDRESS_LIMITS, now));
        }
      });
      return claim;
    },

    async failed(claim: Claim, now: Date) {
      await repo.recordFailure(db, 'account', claim.email, ACCOUNT_LIMITS, now);
      await repo.recordFailure(db, 'address', claim.address, ADDRESS_LIMITS, now);
    },

    /** Inside the sign-in's transaction: the account starts over, the address keeps its failures. */
    async succeeded(trx: Kysely<Database>, claim: Claim) {
      await repo.clearFailures(trx, { email: claim.email });
      await repo.releaseAttempt(trx, 'address', claim.address);
    },

    /** Housekeeping: rows that have forgotten everything they knew. */
    async sweep(now: Date) {
      await repo.deleteOldThrottles(db, new Date(now.getTime() - ACCOUNT_LIMITS.forgetMs), now);
    },
  };
}
