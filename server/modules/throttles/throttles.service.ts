// Fixed-window throttles counted in PostgreSQL, so every app node and mail worker shares the counts.
// Batch-first: consume() takes any number of attempts, each naming the counters it spends from, and
// decides them all with ONE statement (throttles.repository.ts, bump), in arrival order: the k-th
// attempt on a counter in a batch is allowed when the counter's value before the batch plus k is within
// the limit. A coalesced sign-up transaction can so throttle a whole batch in one round trip.
//
// Refused attempts count too: a client hammering past its limit stays refused until the window ends.
// A fixed window lets up to twice a limit through around a window's edge; for limits this far above
// what a person does, that is an acceptable price for one row per counter.
//
// Counted values (email addresses, client addresses) are stored only as an HMAC under the server secret.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import * as repo from './throttles.repository.ts';

export interface Rule {
  /** Names the counter family (`signup:email`); part of the key. */
  scope: string;
  limit: number;
  windowMs: number;
}

/** One counter an attempt spends from: a rule and the value it counts (an address, a client key). */
export interface Spend {
  rule: Rule;
  value: string;
}

export type Decision = { allowed: true } | { allowed: false; rule: Rule; retryAfterSeconds: number };

/**
 * The mailbox behind an address, as the throttles count it: case-folded and without a "+tag" in the
 * local part (a+1@x and A+2@X reach the same inbox at most providers), so tags can't multiply a limit.
 */
export function mailboxOf(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.toLowerCase();
  const local = email.slice(0, at).split('+')[0] || email.slice(0, at);
  return `${local}@${email.slice(at + 1)}`.toLowerCase();
}

export interface ThrottlesDeps {
  db: Kysely<Database>;
  secret: Buffer;
  clock?: () => Date;
}

export function throttlesService(deps: ThrottlesDeps) {
  const clock = deps.clock ?? (() => new Date());
  const keyOf = (scope: string, value: string) => createHmac('sha256', deps.secret).update(`throttle:${scope}:${value}`).digest();

  return {
    /**
     * Spends one unit from each counter of each attempt (attempts in arrival order) and decides each
     * attempt: allowed when every one of its counters is within its limit. One statement; pass a
     * transaction as `executor` to count inside it (the counts then commit or roll back with it).
     */
    async consume(attempts: Spend[][], executor: Executor = deps.db): Promise<Decision[]> {
      const now = clock().getTime();
      const counters = new Map<string, repo.CounterBump>();
      // Per attempt, per spend: its counter and its ordinal among this batch's hits on that counter.
      const placed = attempts.map((spends) =>
        spends.map(({ rule, value }) => {
          const windowStart = new Date(Math.floor(now / rule.windowMs) * rule.windowMs);
          const key = keyOf(rule.scope, value);
          const id = `${rule.scope}|${key.toString('hex')}|${windowStart.getTime()}`;
          const counter = counters.get(id) ?? { scope: rule.scope, key, windowStart, n: 0 };
          counter.n += 1;
          counters.set(id, counter);
          return { rule, id, ordinal: counter.n, windowEnd: windowStart.getTime() + rule.windowMs };
        }),
      );
      const list = [...counters.values()];
      const totals = await repo.bump(executor, list);
      const before = new Map([...counters.keys()].map((id, i) => [id, totals[i]! - list[i]!.n]));
      return placed.map((spends) => {
        let refused: Decision = { allowed: true };
        for (const s of spends) {
          if (before.get(s.id)! + s.ordinal <= s.rule.limit) continue;
          const retryAfterSeconds = Math.max(1, Math.ceil((s.windowEnd - now) / 1000));
          if (refused.allowed || retryAfterSeconds > refused.retryAfterSeconds) refused = { allowed: false, rule: s.rule, retryAfterSeconds };
        }
        return refused;
      });
    },

    /** Counter rows older than a day: every window is shorter, so nothing reads them any more. */
    async purge(): Promise<number> {
      return repo.purgeBefore(deps.db, new Date(clock().getTime() - 24 * 60 * 60_000));
    },
  };
}

export type ThrottlesService = ReturnType<typeof throttlesService>;
