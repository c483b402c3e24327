// Every SQL statement of the throttles: fixed-window counters in throttle_counters. Executor first.
import { sql } from 'kysely';
import type { Executor } from '../../lib/db.ts';

export interface CounterBump {
  scope: string;
  /** HMAC of the counted value (32 bytes). */
  key: Buffer;
  windowStart: Date;
  /** How much to add: the caller sums the hits of one counter, see bump(). */
  n: number;
}

const idOf = (scope: string, key: Buffer, windowStart: Date) => `${scope}|${key.toString('hex')}|${windowStart.getTime()}`;

/**
 * Adds each bump to its counter and returns every counter's total after the statement, in the order
 * given. ONE statement for any number of counters, atomic without a lock of ours: the upsert takes each
 * row's lock, so two nodes bumping one counter at once both see the other's count. ON CONFLICT may not
 * touch one row twice in a statement, so each counter must appear once (the caller sums). Rows go in a
 * fixed order, so two statements that share counters lock them in the same order and cannot deadlock.
 */
export async function bump(db: Executor, bumps: CounterBump[]): Promise<number[]> {
  if (bumps.length === 0) return [];
  const ordered = [...bumps].sort((a, b) =>
    a.scope !== b.scope ? (a.scope < b.scope ? -1 : 1) : Buffer.compare(a.key, b.key) || a.windowStart.getTime() - b.windowStart.getTime(),
  );
  const rows = await db
    .insertInto('throttle_counters')
    .values(ordered.map((b) => ({ scope: b.scope, key: b.key, window_start: b.windowStart, count: b.n })))
    .onConflict((oc) => oc.columns(['scope', 'key', 'window_start']).doUpdateSet({ count: sql<number>`throttle_counters.count + excluded.count` }))
    .returning(['scope', 'key', 'window_start', 'count'])
    .execute();
  const totals = new Map(rows.map((r) => [idOf(r.scope, r.key, new Date(r.window_start)), r.count]));
  return bumps.map((b) => totals.get(idOf(b.scope, b.key, b.windowStart))!);
}

/** Windows are at most an hour long; older rows only hold pseudonymous keys and go in the daily job. */
export async function purgeBefore(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom('throttle_counters').where('window_start', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
